"""The interactive side of Klong, without a terminal: the ``]`` commands
(``]! ]a ]h ]i ]l ]q ]t``, plus ``]b`` for backends and ``]time``), the
evaluation step of a REPL (``it``, abbreviated results, transcripts) and the
test for unfinished input. The REPL of ``klong_cli`` does only terminal I/O
around an :class:`Interaction`; tests drive this module directly.

>>> from klong import KlongInterpreter             # doctest: +SKIP
>>> s = Interaction(KlongInterpreter())            # doctest: +SKIP
>>> s.handle("1+!3")                               # doctest: +SKIP
'[1 2 3]'
>>> s.handle("]h +").splitlines()[0]               # doctest: +SKIP
'a+b    Plus (dyad)'
"""

from __future__ import annotations

import contextlib
import math
import os
import statistics
import subprocess
import textwrap
import time
from pathlib import Path
from typing import Any, Callable, ContextManager, Iterator, TextIO

from . import helptext
from .errors import KlongError, KlongExit, KlongIncomplete
from .lexer import END, Lexer
from .parser import Parser
from .text import from_text, to_text
from .values import Builtin, Char, KDict, Lambda, Projection, Special, Symbol

#: ``progress(description, total)`` enters a context that yields ``advance()``
Progress = Callable[[str, int], ContextManager[Callable[[], None]]]
#: ``busy(description)``: a context shown while something slow runs
Busy = Callable[[str], ContextManager[None]]

MAX_ITEMS = 100      # elements shown of each list before the "..." marker
MAX_CHARS = 5000     # characters shown of one result
TIME_BUDGET = 2.0    # seconds ]time aims to spend repeating an expression
MAX_REPEATS = 1000
#: system variables a user sets; ]b keeps them (the rest belongs to the interpreter)
SETTINGS = (".cols", ".edit", ".fastpow")


@contextlib.contextmanager
def no_progress(description: str, total: int) -> Iterator[Callable[[], None]]:
    """The default progress indicator: none (a terminal REPL passes rich's)."""
    yield lambda: None


@contextlib.contextmanager
def not_busy(description: str) -> Iterator[None]:
    yield


def needs_more(text: str) -> bool:
    """True when ``text`` stops inside an open bracket, brace, parenthesis,
    conditional, dictionary or string, so a REPL should read another line.

    A dangling operator (``1+``) is *not* a reason to continue: a newline at
    the top level ends an expression, so the next line could never complete
    it; evaluating reports the error at once instead.
    """
    if text.lstrip().startswith("]"):
        return False
    try:
        p = Parser(text)
        while p.next_statement() is not None:
            pass
        return False
    except KlongIncomplete:
        pass
    except KlongError:
        return False
    lx = Lexer(text)
    try:
        while lx.next().kind != END:
            pass
    except KlongIncomplete:
        return True  # an unterminated string or comment
    except KlongError:
        return False
    return bool(lx.opened)


def brief(k: Any, value: Any, max_items: int = MAX_ITEMS, max_chars: int = MAX_CHARS) -> str:
    """The value as the REPL prints it (matrices one row a line unless
    ``]m off``), abbreviated:
    lists longer than ``max_items`` show their first elements and a marker
    such as ``... (1000000 elements)``, and text longer than ``max_chars`` is
    cut with a marker. Only what is shown is formatted, so a huge array costs
    no more than a small one."""
    text = to_text(k.shower.layout(value, limit=max_items))
    if len(text) > max_chars:
        text = text[:max_chars] + f" ... (cut at {max_chars} of {len(text)} characters)"
    return text


def _fmt_seconds(t: float) -> str:
    """Three significant figures in the largest unit that keeps the figure
    at 1 or more; rounded first, so 999.7 µs shows as 1 ms, not 1e+03 µs."""
    t = float(f"{t:.3g}")
    if t >= 1000:
        return f"{t:.0f} s"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if t >= scale:
            return f"{t / scale:.3g} {unit}"
    return f"{t / 1e-9:.3g} ns"


class _NotData(Exception):
    """A value that cannot move to another interpreter (a projection, a
    Python function, a channel ...)."""


class Interaction:
    """One interactive session: an interpreter, a transcript, and the table
    of ``]`` commands the REPL dispatches to.

    ``progress`` and ``busy`` draw progress indicators (the terminal REPL
    passes rich's); by default nothing is drawn. ``]b`` replaces :attr:`k`
    with an interpreter on another backend, so always use ``session.k``.
    """

    def __init__(self, k: Any, progress: Progress = no_progress, busy: Busy = not_busy):
        self.k = k
        self.progress = progress
        self.busy = busy
        self.transcript: TextIO | None = None
        self.commands: dict[str, Callable[[str], str]] = {
            "!": self.shell, "a": self.apropos, "h": self.help, "i": self.inventory,
            "l": self.load, "m": self.matrix, "q": self.quit, "t": self.start_transcript,
            "b": self.backend,
            "time": self.time,
        }

    # -- the REPL step --------------------------------------------------------
    @staticmethod
    def is_command(text: str) -> bool:
        return text.lstrip().startswith("]")

    def handle(self, text: str) -> str:
        """Run one complete input (a ``]`` command or Klong source) and return
        the text to show. Klong errors propagate as :class:`KlongError`;
        ``]q`` raises :class:`KlongExit`."""
        if self.is_command(text):
            return self.run_command(text)
        return self.evaluate(text)

    def evaluate(self, source: str) -> str:
        """Evaluate ``source`` as :meth:`run` does; return its value abbreviated."""
        return brief(self.k, self.run(source))

    def run(self, source: str) -> Any:
        """Evaluate ``source``; bind ``it`` to its value and return it (Klong's).
        Afterwards the From and To Channels are .cin and .cout again (the
        manual's rule for interactive mode; other channels stay open)."""
        io = self.k.io
        try:
            value = self.k.run(from_text(source))
        finally:
            io.from_ch, io.to_ch = io.cin, io.cout
        self.k.globals["it"] = value
        return value

    def run_command(self, line: str) -> str:
        """Dispatch one ``]`` command line (``]h +``, ``]hall``, ``]t out.txt``)."""
        body = line.strip()[1:]
        name = body[:4] if body[:4] == "time" and body[4:5] in ("", " ", "\t") else body[:1]
        handler = self.commands.get(name)
        if handler is None:
            raise KlongError(f"unknown command ]{body.split()[0] if body.split() else ''}; "
                             "]h lists the commands")
        return handler(body[len(name):].strip())

    # -- transcript -----------------------------------------------------------
    def record_input(self, text: str) -> None:
        """Append typed input to the transcript, each line after a tab."""
        if self.transcript is not None:
            self.transcript.write("".join(f"\t{line}\n" for line in text.split("\n")))
            self.transcript.flush()

    def record_output(self, text: str) -> None:
        if self.transcript is not None and text:
            self.transcript.write(text if text.endswith("\n") else text + "\n")
            self.transcript.flush()

    def start_transcript(self, arg: str) -> str:
        """``]t file`` appends the session to ``file``; ``]t`` stops."""
        self.stop_transcript()
        if not arg:
            return "transcript stopped"
        try:
            self.transcript = open(arg, "a", encoding="utf-8")
        except OSError as e:
            raise KlongError(f"]t: cannot open {arg!r}: {e.strerror}") from None
        return f"transcript: appending to {arg}"

    def stop_transcript(self) -> None:
        if self.transcript is not None:
            self.transcript.close()
            self.transcript = None

    # -- the commands ---------------------------------------------------------
    def shell(self, arg: str) -> str:
        """``]! command``: run it in the shell; show its output and a failing status."""
        if not arg:
            raise KlongError("]!: which command? (]! ls)")
        self.k.io.flush_all()
        r = subprocess.run(arg, shell=True, capture_output=True, text=True, errors="replace")
        out = (r.stdout + r.stderr).rstrip("\n")
        if r.returncode:
            out += ("\n" if out else "") + f"[exit status {r.returncode}]"
        return out

    def help(self, arg: str) -> str:
        """``]h topic``, ``]hall``, ``]h``."""
        if not arg:
            return helptext.OVERVIEW
        if arg == "all":
            cols = self.k.globals.get(".cols", 80)
            return helptext.index(cols if type(cols) is int and cols > 20 else 80)
        found = helptext.lookup(arg)
        if not found:
            if arg in self.k.globals and arg.startswith("."):
                return f"{arg}: a system value with no help text yet"
            return f"no help for {arg!r}; try ]a {arg} or ]hall"
        return "\n\n".join(h.render() for h in found)

    def apropos(self, arg: str) -> str:
        """``]a word``: every topic mentioning the word, one line each."""
        if not arg:
            raise KlongError("]a: which word? (]a channel)")
        found = helptext.apropos(arg)
        if not found:
            return f"nothing about {arg!r}"
        width = max(len(h.form) for h in found)
        return "\n".join(f"{h.form.ljust(width)}  {h.name} ({h.kind})" for h in found)

    def inventory(self, arg: str) -> str:
        """``]i folder``: the ``*.kg`` programs there (default: first of KLONGPATH)."""
        folder = arg or (os.environ.get("KLONGPATH") or ".").split(":")[0] or "."
        try:
            names = sorted(p.name for p in Path(folder).iterdir()
                           if p.suffix == ".kg" and p.is_file())
        except OSError as e:
            raise KlongError(f"]i: cannot list {folder!r}: {e.strerror}") from None
        if not names:
            return f"no .kg files in {folder}"
        width = self.k.globals.get(".cols", 80)
        return textwrap.fill("  ".join(names), width=width if type(width) is int else 80,
                             break_long_words=False, break_on_hyphens=False)

    def load(self, arg: str) -> str:
        """``]l file``: the same as ``.l("file")``; shows (and keeps in ``it``) its value."""
        if not arg:
            raise KlongError("]l: which file? (]l prog)")
        from .sysfns import find_file
        path = find_file(arg)
        with self.busy(f"loading {path or arg}"):
            value = self.k.apply(self.k.globals[".l"], [arg])
        self.k.globals["it"] = value
        return brief(self.k, value)

    def matrix(self, arg: str) -> str:
        """``]m on`` / ``]m off``: print a list holding lists one element a line,
        or on one line as ``.p`` does; ``]m`` says which."""
        if arg not in ("", "on", "off"):
            raise KlongError("]m: usage: ]m [on|off]")
        if arg:
            self.k.shower.matrix = arg == "on"
        state = "on: a list of lists prints one element a line" if self.k.shower.matrix \
            else "off: every value prints on one line, as .p writes it"
        return f"matrix layout {state}"

    def quit(self, arg: str) -> str:
        """``]q``: the same as ``.x(0)``."""
        self.k.io.flush_all()
        raise KlongExit(0)

    def backend(self, arg: str) -> str:
        """``]b`` lists the backends; ``]b name [device]`` switches to one."""
        if not arg:
            return self._list_backends()
        parts = arg.split()
        if len(parts) > 2:
            raise KlongError("]b: usage: ]b [backend [device]]")
        return self.switch_backend(parts[0], parts[1] if len(parts) > 1 else None)

    def _list_backends(self) -> str:
        from .plugins import list_backends
        current = self.k.backend
        lines = []
        for r in list_backends():
            mark = "*" if r.name == current.name else " "
            if r.status == "ok":
                detail = f"devices: {', '.join(r.devices) or '-'}"
            else:
                detail = f"broken: {r.error}"
            lines.append(f"{mark} {r.name:<8} {r.distribution} {r.version}  {detail}")
        lines.append(f"active: {describe_backend(self.k)}; switch with ]b NAME [DEVICE]")
        return "\n".join(lines)

    def switch_backend(self, name: str, device: str | None = None) -> str:
        """Replace :attr:`k` by an interpreter on backend ``name`` (and ``device``)
        with the same settings (limits, precision, untrusted mode), carrying over
        every global that is plain data or a function literal."""
        from .plugins import KlongSetupError
        try:
            new = self.k.with_backend(name, device)
        except KlongSetupError as e:
            raise KlongError(f"]b: {e}") from None
        old = self.k
        new.shower.matrix = old.shower.matrix
        carried, left = 0, []
        # a module's functions read its private variables: compiled again
        # outside the module they would read other ones, so they stay behind
        private = {id(v) for var, v in old.globals.items() if "`" in var and type(v) is Lambda}
        for var, value in old.globals.items():
            if var in SETTINGS:
                new.globals[var] = value
            if var.startswith(".") or var == "klong":
                continue
            try:
                if id(value) in private:
                    raise _NotData("a module function")
                new.globals[var] = carry(old, new, value)
                carried += 1
            except (_NotData, KlongError):
                left.append(var)
        self.k = new
        note = f"; not carried: {', '.join(sorted(left))}" if left else ""
        return (f"backend: {describe_backend(new)} "
                f"({carried} variable{'' if carried == 1 else 's'} carried over{note})")

    def time(self, arg: str) -> str:
        """``]time expr``: the median time of repeated runs of ``expr``.

        The expression is compiled once and its closures are called again and
        again, so the time is the evaluation's, not the parser's."""
        if not arg:
            raise KlongError("]time: which expression? (]time +/!1000000)")
        k = self.k
        try:
            parser = Parser(arg)
            steps = []
            while (node := parser.next_statement()) is not None:
                steps.append(k.compiler.compile(node, arg, None))
        except KlongError as e:
            raise e.locate(None, arg) from None
        sync = k.backend.synchronize  # the result's (GPU, lazy) work must finish to be timed

        def once() -> float:
            t0 = time.perf_counter()
            value = None
            try:
                for step in steps:
                    value = step()
            except KlongError as e:
                raise e.locate(None, arg) from None
            except RecursionError:
                raise KlongError("recursion too deep (stack overflow)", None, arg) from None
            sync(value)
            return time.perf_counter() - t0

        with k.guard.running():
            return self._repeat(once)

    def _repeat(self, once: Callable[[], float]) -> str:
        first = once()  # also warms caches; not counted when there are repeats
        if first >= TIME_BUDGET:
            return f"{_fmt_seconds(first)} (1 run)"
        n = max(3, min(MAX_REPEATS, math.ceil(TIME_BUDGET / max(first, 1e-9))))
        times = []
        with self.progress(f"timing {n} runs", n) as advance:
            for _ in range(n):
                times.append(once())
                advance()
        return (f"{_fmt_seconds(statistics.median(times))} median of {n} runs "
                f"(min {_fmt_seconds(min(times))}, max {_fmt_seconds(max(times))})")


def describe_backend(k: Any) -> str:
    """``numpy (cpu)``, ``torch (cuda:0)``."""
    return f"{k.backend.name} ({k.backend.device})"


def carry(old: Any, new: Any, v: Any) -> Any:
    """Value ``v`` of interpreter ``old`` rebuilt for interpreter ``new``:
    arrays move to the new backend, function literals are compiled again from
    their source (at top level: a literal that read an enclosing function's
    locals could not read them once that function had returned anyway)."""
    t = type(v)
    if t in (int, float, str, Char, Symbol) or isinstance(v, Special):
        return v
    if isinstance(v, old.backend.array_type):
        return new.to_klong(old.backend.to_host(v))
    if t is list:
        return new.verbs.mklist([carry(old, new, e) for e in v])
    if t is KDict:
        d = KDict()
        for key, val in v.d.values():
            key, val = carry(old, new, key), carry(old, new, val)
            d.d[new.verbs.hkey(key)] = (key, val)
        return d
    if t is Lambda:
        return new.run(v.src)
    if t is Projection:
        return Projection(carry(old, new, v.fn),
                          [None if a is None else carry(old, new, a) for a in v.args])
    if t is Builtin and new.globals.get(v.name) is not None and old.globals.get(v.name) is v:
        return new.globals[v.name]  # a system function: the new interpreter's own
    raise _NotData(t.__name__)


def run_command(k: Any, line: str) -> str | None:
    """Run ``line`` if it is a ``]`` command and return its output; None when
    it is not one. State that outlives a command (a transcript, a switched
    backend) needs an :class:`Interaction` kept between calls."""
    if not Interaction.is_command(line):
        return None
    return Interaction(k).run_command(line)
