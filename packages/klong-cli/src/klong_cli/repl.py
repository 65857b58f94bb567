"""The interactive Klong session (the REPL).

On a terminal it uses prompt_toolkit: line editing, history kept across
sessions in ``$XDG_DATA_HOME/klong/history`` (``~/.local/share/klong/history``
by default), Ctrl-R reverse search, input that continues over several lines
while a bracket, brace, conditional or string is open, Tab completion, and
``\\nabla``/``\\partial`` + Tab (or Ctrl-X n / Ctrl-X p) for ``∇``/``∂``.
Errors show in red with a caret under the position (no colour when
``NO_COLOR`` is set); ``]time`` and loading draw rich progress indicators.

When standard input or output is not a terminal, a plain loop reads lines
and prints values, with neither editing nor colour.

Every error, and Ctrl-C during a computation, returns to the prompt with the
session's state intact; Ctrl-D or ``]q`` leaves. The ``]`` commands and the
evaluation step live in :mod:`klong.interaction`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from klong_cli import __version__

if TYPE_CHECKING:
    from klong import KlongInterpreter
    from klong.interaction import Interaction
    from rich.console import Console

PROMPT = "klong>  "      # eight columns, like the reference interpreter's indent
CONTINUATION = "   ...  "


def history_path() -> Path:
    """Where the REPL keeps its history, following the XDG base directory spec."""
    base = os.environ.get("XDG_DATA_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".local" / "share"
    return root / "klong" / "history"


def color_wanted() -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set (no-color.org)."""
    return sys.stdout.isatty() and os.environ.get("NO_COLOR", "") == ""


def banner(k: KlongInterpreter) -> str:
    from klong.interaction import describe_backend
    return (f"Klong {__version__} · backend: {describe_backend(k)}\n"
            "]h help · ]hall all topics · Tab completes · ]q or Ctrl-D quits")


class _Screen:
    """Where the REPL writes: values to stdout; errors and notes through rich
    (coloured on a terminal unless NO_COLOR) to stderr; everything also to the
    session's transcript, if one is open."""

    def __init__(self, session: Interaction, color: bool, terminal: bool):
        self.session = session
        self.color = color
        # in a pipeline the error names its program, as the CLI's own errors do
        self.prefix = "error: " if terminal else "klong: error: "
        self.err: Console | None = None
        if color:
            from rich.console import Console
            self.err = Console(stderr=True, highlight=False)

    def value(self, text: str, record: bool = True) -> None:
        if text:
            sys.stdout.write(text + "\n")
            sys.stdout.flush()
        if record:
            self.session.record_output(text)

    def _styled(self, text: str, style: str) -> None:
        sys.stdout.flush()
        if self.err is not None:
            from rich.text import Text
            self.err.print(Text(text, style=style))
        else:
            sys.stderr.write(text + "\n")
            sys.stderr.flush()
        self.session.record_output(text)

    def error(self, text: str) -> None:
        self._styled(self.prefix + text, "bold red")

    def note(self, text: str) -> None:
        self._styled(text, "yellow")

    def banner(self, text: str) -> None:
        if self.err is not None:
            from rich.text import Text
            self.err.print(Text(text, style="cyan"))
        else:
            sys.stderr.write(text + "\n")


def _step(session: Interaction, text: str, screen: _Screen) -> int | None:
    """Run one complete input; return an exit status when the session ends."""
    from klong.errors import KlongError, KlongExit
    from klong.limits import interrupts_stop

    log = session.transcript
    session.record_input(text)
    try:
        with interrupts_stop(session.k):  # Ctrl-C: k.interrupt(), whatever handler the editor left
            out = session.handle(text)
        # "]t file" answers before anything was typed into the new transcript
        screen.value(out, record=session.transcript is log)
    except KlongExit as e:
        return _status(e.status)
    except SystemExit as e:  # .x
        return _status(e.code)
    except KlongError as e:
        screen.error(e.render())
    except KeyboardInterrupt:
        screen.note("interrupted")
    except RecursionError:
        screen.error("recursion too deep (stack overflow)")
    except Exception as e:  # an internal fault: the session survives it too
        screen.error(f"internal error: {type(e).__name__}: {e}")
        if os.environ.get("KLONG_DEBUG", "") not in ("", "0"):
            traceback.print_exc()
    return None


def _status(code: Any) -> int:
    if code is None:
        return 0
    try:
        return int(code)
    except (TypeError, ValueError):
        return 1


def _load(session: Interaction, path: str, screen: _Screen) -> None:
    """``klong -l FILE``: run the file in the session; an error is shown, and
    the session starts anyway so the user can fix things interactively."""
    from klong.errors import KlongError
    try:
        with session.busy(f"loading {path}"):
            session.k.run_file(path, [])
    except KlongError as e:
        screen.error(e.render())
    except KeyboardInterrupt:
        screen.note("interrupted")


def repl(k: KlongInterpreter, load: str | None = None) -> int:
    """Run an interactive session on ``k`` (after loading ``load``, if given)
    until ``]q``, ``.x`` or end of input; return the exit status."""
    from klong.interaction import Interaction

    terminal = sys.stdin.isatty() and sys.stdout.isatty()
    color = terminal and color_wanted()
    if terminal:
        session = Interaction(k, progress=_rich_progress, busy=_rich_busy)
    else:
        session = Interaction(k)
    screen = _Screen(session, color, terminal)
    try:
        if terminal:
            screen.banner(banner(k))
        if load:
            _load(session, load, screen)
        return _terminal_loop(session, screen) if terminal else _plain_loop(session, screen)
    finally:
        session.stop_transcript()
        session.k.io.flush_all()


def _plain_loop(session: Interaction, screen: _Screen) -> int:
    """Lines from standard input (no terminal): no editing, no colour; a
    prompt only when a person types (stdin a terminal), and then on stderr so
    that redirected output holds only results."""
    from klong.interaction import needs_more

    prompted = sys.stdin.isatty()
    pending = ""
    while True:
        try:
            if prompted:
                sys.stderr.write(CONTINUATION if pending else PROMPT)
                sys.stderr.flush()
            line = sys.stdin.readline()
            if not line:
                raise EOFError
            line = line.rstrip("\n")
        except EOFError:
            if prompted:
                sys.stderr.write("\n")
            if pending:  # the input ended inside a bracket: show that error
                status = _step(session, pending, screen)
                if status is not None:
                    return status
            return 0
        except KeyboardInterrupt:
            sys.stderr.write("\n")
            pending = ""
            continue
        pending = f"{pending}\n{line}" if pending else line
        if needs_more(pending):
            continue
        text, pending = pending, ""
        if not text.strip():
            continue
        status = _step(session, text, screen)
        if status is not None:
            return status


def _terminal_loop(session: Interaction, screen: _Screen) -> int:
    """prompt_toolkit: editing, history, completion, multi-line input."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.formatted_text import FormattedText
    from prompt_toolkit.history import FileHistory, History, InMemoryHistory
    from prompt_toolkit.styles import Style

    from klong_cli.completion import KlongCompleter, key_bindings

    session.k.globals[".cols"] = shutil.get_terminal_size().columns  # what .cols is for
    history: History
    try:
        path = history_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
        history = FileHistory(str(path))
    except OSError as e:  # a read-only home must not keep anyone from working
        screen.note(f"history is not saved: {e.strerror}: {e.filename}")
        history = InMemoryHistory()
    style = Style.from_dict({"prompt": "ansigreen bold", "continuation": "ansigreen"})
    prompt: Any = FormattedText([("class:prompt", PROMPT)]) if screen.color else PROMPT
    cont: Any = (FormattedText([("class:continuation", CONTINUATION)]) if screen.color
                 else CONTINUATION)
    ps: PromptSession[str] = PromptSession(
        history=history, completer=KlongCompleter(session), key_bindings=key_bindings(),
        multiline=True, prompt_continuation=lambda width, line, soft: cont,
        complete_while_typing=False, style=style, include_default_pygments_style=False,
        color_depth=None if screen.color else _monochrome())
    while True:
        try:
            text = ps.prompt(prompt)
        except KeyboardInterrupt:  # Ctrl-C at the prompt abandons the line
            continue
        except EOFError:           # Ctrl-D on an empty line
            return 0
        if not text.strip():
            continue
        status = _step(session, text, screen)
        if status is not None:
            return status


def _monochrome() -> Any:
    from prompt_toolkit.output import ColorDepth
    return ColorDepth.MONOCHROME


@contextlib.contextmanager
def _rich_progress(description: str, total: int) -> Iterator[Callable[[], None]]:
    """A transient rich progress bar (for ``]time``)."""
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn,
                               TextColumn, TimeElapsedColumn)
    if Console().is_dumb_terminal:  # it could not redraw the bar in place
        yield lambda: None
        return
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda: bar.advance(task)


@contextlib.contextmanager
def _rich_busy(description: str) -> Iterator[None]:
    """A transient rich spinner (for loading files)."""
    from rich.console import Console
    console = Console(stderr=True)
    if console.is_dumb_terminal:
        yield
        return
    with console.status(description):
        yield
