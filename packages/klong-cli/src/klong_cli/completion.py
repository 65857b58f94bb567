"""Tab completion and key bindings of the terminal REPL (prompt_toolkit).

Completes defined names (the interpreter's globals, system functions and
variables included), ``]`` commands, help topics after ``]h``/``]a``,
backend names after ``]b``, file names after ``]l``/``]i``/``]t``, and the
typing helpers ``\\nabla`` -> ``∇`` and ``\\partial`` -> ``∂``. The keys
Ctrl-X n and Ctrl-X p insert ``∇`` and ``∂`` directly.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable

from prompt_toolkit.completion import CompleteEvent, Completer, Completion, PathCompleter
from prompt_toolkit.document import Document
from prompt_toolkit.enums import DEFAULT_BUFFER
from prompt_toolkit.filters import has_focus
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

from klong import helptext
from klong.interaction import needs_more

if TYPE_CHECKING:
    from klong.interaction import Interaction

#: typing helpers: what to type (then Tab) for the extension operators
HELPERS = {"\\nabla": "\u2207", "\\partial": "\u2202"}
COMMANDS = ("]!", "]a", "]b", "]h", "]hall", "]i", "]l", "]m", "]q", "]t", "]time")
_NAME = re.compile(r"[A-Za-z.][A-Za-z0-9.]*$")
_HELPER = re.compile(r"\\[A-Za-z]*$")


class KlongCompleter(Completer):
    """Completions for the REPL of ``session`` (which may switch interpreters,
    so the globals are read from ``session.k`` each time)."""

    def __init__(self, session: Interaction):
        self.session = session
        self.paths = PathCompleter(expanduser=True)

    def get_completions(self, document: Document, event: CompleteEvent) -> Iterable[Completion]:
        before = document.text_before_cursor
        helper = _HELPER.search(before)
        if helper:
            word = helper.group()
            for name, sym in HELPERS.items():
                if name.startswith(word):
                    yield Completion(sym, -len(word), display=f"{name} {sym}")
            return
        line = before.rsplit("\n", 1)[-1].lstrip()
        if line.startswith("]"):
            yield from self._command(line, document, event)
            return
        m = _NAME.search(before)
        if m:
            yield from _starting(m.group(), self.names())

    def names(self) -> list[str]:
        """Defined names a user can type (module-private names excluded)."""
        return sorted(n for n in self.session.k.globals if "`" not in n)

    def _command(self, line: str, document: Document,
                 event: CompleteEvent) -> Iterable[Completion]:
        if " " not in line:
            yield from _starting(line, COMMANDS)
            return
        cmd, _, arg = line.partition(" ")
        arg = arg.lstrip()
        if cmd in ("]h", "]a"):
            topics = sorted({h.key for h in helptext.ENTRIES} | {h.name for h in helptext.ENTRIES})
            yield from _starting(arg, topics)
        elif cmd == "]b" and " " not in arg:
            from klong.plugins import installed_backends
            yield from _starting(arg, installed_backends())
        elif cmd in ("]l", "]i", "]t"):
            yield from self.paths.get_completions(Document(arg, len(arg)), event)


def _starting(word: str, candidates: Iterable[str]) -> Iterable[Completion]:
    for c in candidates:
        if c.startswith(word) and c != word:
            yield Completion(c, -len(word))


def key_bindings() -> KeyBindings:
    """Enter runs the input unless a bracket, brace, conditional or string is
    still open (then it starts a new line); Ctrl-X n / Ctrl-X p type ∇ / ∂."""
    kb = KeyBindings()

    @kb.add("enter", filter=has_focus(DEFAULT_BUFFER))  # not in Ctrl-R search
    def _enter(event: KeyPressEvent) -> None:
        buf = event.current_buffer
        state = buf.complete_state
        if state is not None and state.current_completion is not None:
            buf.apply_completion(state.current_completion)
            return
        if needs_more(buf.text):
            buf.insert_text("\n")
        else:
            buf.validate_and_handle()

    @kb.add("c-x", "n")
    def _nabla(event: KeyPressEvent) -> None:
        event.current_buffer.insert_text(HELPERS["\\nabla"])

    @kb.add("c-x", "p")
    def _partial(event: KeyPressEvent) -> None:
        event.current_buffer.insert_text(HELPERS["\\partial"])

    return kb
