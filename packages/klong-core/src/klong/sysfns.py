"""System functions (``.p``, ``.l``, ``.r`` ...) and system variables, and the
I/O channels they read and write. Installed into each interpreter's globals.

Channels are real files or the process's standard streams. Everything written
is flushed when a channel is closed, when ``.x`` ends the program, when
``run_file`` returns (or fails), and at interpreter exit, so an error never
leaves a file half written.
"""

from __future__ import annotations

import atexit
import os
import sys
import time
import weakref
from pathlib import Path
from typing import Any, Callable

from .errors import KlongBrokenPipe, KlongError, KlongExit, KlongIncomplete
from .text import open_channel, read_from, read_source, to_text, write_to
from .values import EOF, UNDEFINED, Builtin, Channel, Symbol

LIB_DIR = Path(__file__).parent / "lib"

#: every live IO object, so that channels still open at process exit get flushed
_LIVE: "weakref.WeakSet[IO]" = weakref.WeakSet()


@atexit.register
def _flush_live() -> None:
    for io in list(_LIVE):
        io.flush_all()


def std_channel(name: str) -> Channel:
    return Channel(name, None, "r" if name == "cin" else "w", std=True)


def _quote(text: str, limit: int = 60) -> str:
    """``text`` as a Klong string for an error message, shortened when long."""
    s = text if len(text) <= limit else text[:limit] + "..."
    return '"' + s.replace('"', '""').replace("\n", "\\n") + '"'


class IO:
    """The channels of one interpreter and the functions that use them."""

    def __init__(self, interp: Any):
        self.k = interp
        self.cin, self.cout, self.cerr = std_channel("cin"), std_channel("cout"), std_channel("cerr")
        self.from_ch, self.to_ch = self.cin, self.cout
        self.open: list[Channel] = []
        _LIVE.add(self)

    # -- streams ---------------------------------------------------------------
    def stream(self, ch: Channel) -> Any:
        if ch.closed_flag:
            raise KlongError(f"channel {_quote(ch.name)} is closed")
        if ch.std:
            # looked up on each use: the standard streams may be replaced (tests, embedding)
            return {"cin": sys.stdin, "cout": sys.stdout, "cerr": sys.stderr}[ch.name]
        return ch.file

    def write(self, text: str) -> None:
        ch = self.to_ch
        try:
            stream = self.stream(ch)
            if ch.std:
                write_to(stream, text)
            else:
                stream.write(text)
        except BrokenPipeError:
            raise KlongBrokenPipe(f"cannot write to {_quote(ch.name)}: the reader went away") from None
        except (OSError, ValueError) as e:
            raise KlongError(f"cannot write to {_quote(ch.name)}: {e}") from None

    def _readline(self, ch: Channel) -> str:
        try:
            line = self.stream(ch).readline()
            return read_from(line) if ch.std else line
        except (OSError, ValueError, UnicodeDecodeError) as e:
            raise KlongError(f"cannot read from {_quote(ch.name)}: {e}") from None

    def read_line(self) -> Any:
        """``.rl``: the next line without its separator; past the end, as the
        reference does, an empty string (and ``.mi`` turns 0)."""
        ch = self.from_ch
        if ch.pending:  # the rest of a line that .r has read ahead
            line, sep, rest = ch.pending.partition("\n")
            ch.pending = rest
            return line
        s = self._readline(ch)
        if s == "":
            ch.at_eof = True
            return ""
        return s[:-1] if s.endswith("\n") else s

    def read_object(self) -> Any:
        """``.r``: one data object, possibly spanning lines, or :eof past the end."""
        from .parser import Parser
        ch = self.from_ch
        text = ch.pending
        ch.pending = ""
        while True:
            if text.strip():
                try:
                    p = Parser(text)
                    obj = p.datum()
                    rest = text[p.tok.pos:] if p.tok.kind != "end" else ""
                    # keep what follows the object on its line for the next .r/.rl
                    ch.pending = rest[1:] if rest.startswith("\n") else rest
                    return self.k.from_literal(obj)
                except KlongIncomplete:
                    pass
                except KlongError as e:
                    raise KlongError(f".r: cannot read an object from {_quote(ch.name)}: "
                                     f"{e.message}: {_quote(text.strip())}") from None
            more = self._readline(ch)
            if more == "":
                ch.at_eof = True
                if text.strip():
                    raise KlongError(f".r: incomplete object at end of {_quote(ch.name)}: "
                                     f"{_quote(text.strip())}")
                return EOF
            text += more

    def more_input(self) -> int:
        """``.mi``: 1 until a read past the end of the From Channel was attempted."""
        ch = self.from_ch
        self.stream(ch)  # a closed channel is an error
        return 0 if ch.at_eof and not ch.pending else 1

    def flush_all(self) -> None:
        for ch in [self.cout, self.cerr] + self.open:
            if not ch.closed_flag and ch.mode == "w":
                try:
                    self.stream(ch).flush()
                except (OSError, ValueError, AttributeError):
                    pass

    def close_all(self) -> None:
        for ch in list(self.open):
            self.close(ch)

    def close(self, ch: Channel) -> None:
        """Close a file channel (the standard channels cannot be closed)."""
        if ch.std or ch.closed_flag:
            return
        ch.closed_flag = True
        if ch in self.open:
            self.open.remove(ch)
        if self.from_ch is ch:
            self.from_ch = self.cin
        if self.to_ch is ch:
            self.to_ch = self.cout
        try:
            ch.file.close()
        except OSError as e:
            raise KlongError(f".cc: cannot close {_quote(ch.name)}: {e.strerror or e}") from None


def install(k: Any) -> None:
    """Bind every system function and variable in interpreter ``k``."""
    io: IO = k.io
    G = k.globals
    v = k.verbs

    def fn(name: str, arity: int, pass_list: bool = False) -> Callable[[Callable], Callable]:
        def reg(f: Callable) -> Callable:
            G[name] = Builtin(name, arity, f, pass_list)
            return f
        return reg

    def need_str(name: str, a: Any) -> str:
        if type(a) is not str:
            raise KlongError(f"{name}: type error: expected a string, got {k.show(a)}")
        return a

    def need_chan(name: str, a: Any, mode: str) -> Channel:
        if not isinstance(a, Channel):
            raise KlongError(f"{name}: type error: expected a channel, got {k.show(a)}")
        if a.mode != mode:
            raise KlongError(f"{name}: {'an input' if mode == 'r' else 'an output'} channel is needed")
        if a.closed_flag:
            raise KlongError(f"{name}: channel {_quote(a.name)} is closed")
        return a

    # -- output --------------------------------------------------------------
    @fn(".p", 1)
    def print_(a: Any) -> Any:
        io.write(k.display(a) + "\n")
        return a

    @fn(".d", 1)
    def display(a: Any) -> Any:
        io.write(k.display(a))
        return a

    @fn(".w", 1)
    def write(a: Any) -> Any:
        io.write(k.show(a))
        return a

    @fn(".fl", 0)
    def flush() -> Any:
        ch = io.to_ch
        try:
            io.stream(ch).flush()
        except (OSError, ValueError) as e:
            raise KlongError(f".fl: cannot flush {_quote(ch.name)}: {e}") from None
        return []

    # -- input ---------------------------------------------------------------
    @fn(".r", 0)
    def read() -> Any:
        return io.read_object()

    @fn(".rl", 0)
    def read_line() -> Any:
        return io.read_line()

    # the spec writes .mi(a), a monad (as kg shows it), its examples call .mi()
    # and use it as a While predicate: accept zero arguments or one (ignored)
    @fn(".mi", 1, pass_list=True)
    def more_input(args: list) -> int:
        if len(args) > 1:
            raise KlongError(".mi: arity error: called with more than one argument")
        return io.more_input()

    @fn(".rs", 1)
    def read_string(a: Any) -> Any:
        """The data object the text holds; :undefined where it holds none or
        more than one (kg: :undefined where the text does not compile)."""
        from .parser import Parser
        src = need_str(".rs", a)
        try:
            p = Parser(src)
            obj = p.datum()
        except KlongError:
            return UNDEFINED
        return k.from_literal(obj) if p.tok.kind in ("end", ";") else UNDEFINED

    # -- channels ------------------------------------------------------------
    def open_file(name: str, path: str, mode: str) -> Channel:
        try:
            f = open_channel(path, mode)
        except OSError as e:
            raise KlongError(f"{name}: cannot open {_quote(path)}: {e.strerror or e}") from None
        ch = Channel(path, f, "r" if mode == "r" else "w")
        io.open.append(ch)
        return ch

    @fn(".ic", 1)
    def input_channel(a: Any) -> Channel:
        return open_file(".ic", need_str(".ic", a), "r")

    @fn(".oc", 1)
    def output_channel(a: Any) -> Channel:
        return open_file(".oc", need_str(".oc", a), "w")

    @fn(".ac", 1)
    def append_channel(a: Any) -> Channel:
        return open_file(".ac", need_str(".ac", a), "a")

    @fn(".cc", 1)
    def close_channel(a: Any) -> Any:
        if not isinstance(a, Channel):
            raise KlongError(f".cc: type error: expected a channel, got {k.show(a)}")
        io.close(a)
        return []

    @fn(".fc", 1)
    def from_channel(a: Any) -> Any:
        new = need_chan(".fc", a, "r") if v.truth(a) else io.cin
        old, io.from_ch = io.from_ch, new
        return old

    @fn(".tc", 1)
    def to_channel(a: Any) -> Any:
        new = need_chan(".tc", a, "w") if v.truth(a) else io.cout
        old, io.to_ch = io.to_ch, new
        return old

    # -- files, programs, the system -------------------------------------------
    @fn(".df", 1)
    def delete_file(a: Any) -> Any:
        path = need_str(".df", a)
        try:
            os.remove(to_text(path))
        except OSError as e:
            raise KlongError(f".df: cannot delete {_quote(path)}: {e.strerror or e}") from None
        return []

    @fn(".E", 1)
    def evaluate(a: Any) -> Any:
        src = need_str(".E", a)
        if not src.strip():  # as kg: reading a program from blank text meets the end
            return EOF
        try:
            return k.run(src, origin=None)
        except KlongError as e:
            # name the text; the position (and its caret) stay those inside the text.
            # A plain KlongError for unfinished text (the REPL must not wait for more);
            # any other error keeps its class
            if e.message.startswith(".E "):
                raise
            message = f".E {_quote(src)}: {e.message}"
            if isinstance(e, KlongIncomplete):
                raise KlongError(message, e.pos, e.source, e.origin) from None
            raise e.reworded(message) from None

    @fn(".l", 1)
    def load(a: Any) -> Any:
        name = need_str(".l", a)
        path = find_file(name)
        if path is None:
            raise KlongError(f".l: file not found: {_quote(name)} (searched {':'.join(search_path())})")
        try:
            text = read_source(path)
        except OSError as e:
            raise KlongError(f".l: cannot read {_quote(str(path))}: {getattr(e, 'strerror', None) or e}") from None
        module = k.module
        try:
            return k.run(text, origin=str(path))
        except KlongIncomplete as e:
            k.module = module
            raise KlongError(e.message, e.pos, e.source, e.origin) from None
        except BaseException:
            # a file that fails inside its own .module(...) must not leave it open
            k.module = module
            raise

    @fn(".comment", 1)
    def comment(a: Any) -> Any:
        k.skip_comment(need_str(".comment", a))
        return a

    @fn(".module", 1)
    def module(a: Any) -> Any:
        from .compiler import Module
        if type(a) is Symbol:
            if k.module is not None:
                raise KlongError(f".module: modules may not be nested (:{k.module.name} is open)")
            suffix = f"`{a.name}"
            # names this module exported on an earlier load are its own, not outside
            # definitions: a second load must bind them to the module again
            existing = {n for n in G if not n.endswith(suffix) and n + suffix not in G}
            k.module = Module(a.name, existing)
        elif not v.truth(a):
            k.module = None
        else:
            raise KlongError(f".module: expected a symbol or 0, got {k.show(a)}")
        return []

    @fn(".sys", 1)
    def system(a: Any) -> int:
        cmd = need_str(".sys", a)
        io.flush_all()  # the command's output must come after ours
        import subprocess  # here: start-up does not pay for it

        try:
            return subprocess.run(cmd, shell=True).returncode
        except OSError as e:
            raise KlongError(f".sys: cannot run {_quote(cmd)}: {e.strerror or e}") from None

    @fn(".x", 1)
    def exit_(a: Any) -> Any:
        io.flush_all()
        io.close_all()
        a = v.num(a)
        if type(a) is int and 0 <= a <= 255:
            raise KlongExit(a)
        raise KlongExit(1 if v.truth(a) else 0)

    @fn(".rn", 0)
    def random_number() -> float:
        import random  # here: start-up does not pay for it

        return random.random()

    @fn(".pc", 0)
    def process_clock() -> float:
        return time.process_time()

    # -- beyond the spec (names the spec does not use; see docs/library.md) -------
    @fn(".time", 0)
    def now() -> float:
        """Seconds since the Unix epoch (UTC), with a fractional part."""
        return time.time()

    @fn(".tzoff", 1)
    def tz_offset(a: Any) -> int:
        """Seconds east of UTC of local time at epoch time ``a`` (daylight saving included)."""
        t = v.num(a)
        if type(t) not in (int, float):
            raise KlongError(f".tzoff: type error: expected a number, got {k.show(a)}")
        try:
            return int(time.localtime(t).tm_gmtoff)
        except (OverflowError, OSError, ValueError) as e:
            raise KlongError(f".tzoff: {k.show(a)} is out of range: {e}") from None

    G[".pow"] = Builtin(".pow", 2, v.dyads["^"])  # what .fastpow names; ^ is already native

    from .mathfns import install as install_math
    install_math(k)

    # -- variables -------------------------------------------------------------
    G[".a"] = []
    G[".cin"], G[".cout"], G[".cerr"] = io.cin, io.cout, io.cerr
    G[".cols"] = 80
    # the manual's definition: the smallest difference between two reals in
    # [0.1, 1), so 1+.e is 1 (2**-56 for the doubles Python's reals are, on every
    # backend); ~ compares with a tolerance far above it: sq2~sq2+10*.e holds
    G[".e"] = 2.0**-56
    G[".edit"] = 1  # as kg built with its line editor: our REPLs always edit lines
    G[".fastpow"] = 0
    G[".h"] = Symbol("unix")
    G[".helpdb"] = []  # the help database the reference's help module fills


def search_path() -> list[str]:
    """KLONGPATH's directories (default "."), then the bundled library."""
    env = os.environ.get("KLONGPATH")
    dirs = [d or "." for d in env.split(":")] if env else ["."]
    return dirs + [str(LIB_DIR)]


def find_file(name: str) -> Path | None:
    """Resolve a ``.l`` argument: the name as given, then with ``.kg`` appended,
    in each directory of :func:`search_path`; names starting with "/" or "."
    are paths used as they are."""
    name = to_text(name)
    candidates = [name, name + ".kg"]
    if name.startswith(("/", ".")):
        return next((Path(c) for c in candidates if Path(c).is_file()), None)
    for d in search_path():
        for c in candidates:
            p = Path(d) / c
            if p.is_file():
                return p
    return None
