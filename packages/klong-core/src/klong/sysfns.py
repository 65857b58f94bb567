"""System functions (``.p``, ``.l``, ``.r`` ...) and system variables, and the
I/O channels they read and write. Installed into each interpreter's globals."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

from .errors import KlongError, KlongIncomplete
from .values import EOF, Builtin, Channel, Symbol

LIB_DIR = Path(__file__).parent / "lib"


def std_channel(name: str) -> Channel:
    return Channel(name, None, "r" if name == "cin" else "w", std=True)


class IO:
    """The channels of one interpreter and the functions that use them."""

    def __init__(self, interp: Any):
        self.k = interp
        self.cin, self.cout, self.cerr = std_channel("cin"), std_channel("cout"), std_channel("cerr")
        self.from_ch, self.to_ch = self.cin, self.cout
        self.open: list[Channel] = []

    # -- streams ---------------------------------------------------------------
    def stream(self, ch: Channel) -> Any:
        if ch.closed_flag:
            raise KlongError(f"channel {ch.name} is closed")
        if ch.std:
            return {"cin": sys.stdin, "cout": sys.stdout, "cerr": sys.stderr}[ch.name]
        return ch.file

    def write(self, text: str) -> None:
        self.stream(self.to_ch).write(text)

    def read_line(self) -> Any:
        ch = self.from_ch
        if ch.pending:
            line, sep, rest = ch.pending.partition("\n")
            if sep:
                ch.pending = rest
                return line
            ch.pending = ""
            more = self.stream(ch).readline()
            if not more:
                return line
            return line + more.rstrip("\n")
        s = self.stream(ch).readline()
        if s == "":
            ch.at_eof = True
            return EOF
        return s[:-1] if s.endswith("\n") else s

    def read_object(self) -> Any:
        """Read one data object, possibly spanning lines, from the From Channel."""
        from .parser import Parser
        ch = self.from_ch
        text = ch.pending
        ch.pending = ""
        while True:
            if text.strip():
                try:
                    p = Parser(text)
                    obj = p.datum()
                    ch.pending = text[p.tok.pos:] if p.tok.kind != "end" else ""
                    if ch.pending.startswith("\n"):
                        ch.pending = ch.pending[1:]
                    return self.k.from_literal(obj)
                except KlongIncomplete:
                    pass
            more = self.stream(ch).readline()
            if more == "":
                ch.at_eof = True
                if text.strip():
                    raise KlongError(".r: incomplete object at end of input")
                return EOF
            text += more

    def flush_all(self) -> None:
        for ch in [self.cout, self.cerr] + self.open:
            if not ch.closed_flag and ch.mode == "w":
                try:
                    self.stream(ch).flush()
                except (OSError, ValueError):
                    pass

    def close_all(self) -> None:
        for ch in list(self.open):
            self.close(ch)

    def close(self, ch: Channel) -> None:
        if ch.std or ch.closed_flag:
            return
        ch.closed_flag = True
        ch.file.close()
        if ch in self.open:
            self.open.remove(ch)
        if self.from_ch is ch:
            self.from_ch = self.cin
        if self.to_ch is ch:
            self.to_ch = self.cout


def install(k: Any) -> None:
    """Bind every system function and variable in interpreter ``k``."""
    io = k.io
    G = k.globals
    v = k.verbs

    def fn(name: str, arity: int) -> Callable[[Callable], Callable]:
        def reg(f: Callable) -> Callable:
            G[name] = Builtin(name, arity, f)
            return f
        return reg

    def need_str(name: str, a: Any) -> str:
        if type(a) is not str:
            raise KlongError(f"{name}: type error: expected a string, got {k.show(a)}")
        return a

    def need_chan(name: str, a: Any, mode: str | None = None) -> Channel:
        if not isinstance(a, Channel):
            raise KlongError(f"{name}: type error: expected a channel")
        if mode and a.mode != mode:
            raise KlongError(f"{name}: {'an input' if mode == 'r' else 'an output'} channel is needed")
        return a

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

    @fn(".E", 1)
    def evaluate(a: Any) -> Any:
        return k.run(need_str(".E", a), origin=None)

    @fn(".rs", 1)
    def read_string(a: Any) -> Any:
        from .parser import Parser
        src = need_str(".rs", a)
        p = Parser(src)
        obj = p.datum()
        if p.tok.kind not in ("end", ";"):
            raise KlongError(".rs: more than one object in the string")
        return k.from_literal(obj)

    @fn(".r", 0)
    def read() -> Any:
        return io.read_object()

    @fn(".rl", 0)
    def read_line() -> Any:
        return io.read_line()

    @fn(".mi", 0)
    def more_input() -> int:
        ch = io.from_ch
        if ch.at_eof:
            return 0
        if ch.pending:
            return 1
        s = io.stream(ch)
        try:
            if hasattr(s, "peek"):
                return 1 if s.peek(1) else 0
        except (OSError, ValueError):
            pass
        return 1

    def open_file(name: str, path: str, mode: str) -> Channel:
        try:
            f = open(path, mode, encoding="utf-8", newline="")
        except OSError as e:
            raise KlongError(f"{name}: cannot open {path!r}: {e.strerror}") from None
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
        io.close(need_chan(".cc", a))
        return []

    @fn(".fc", 1)
    def from_channel(a: Any) -> Any:
        old = io.from_ch
        io.from_ch = io.cin if not v.truth(a) else need_chan(".fc", a, "r")
        if io.from_ch.closed_flag:
            raise KlongError(".fc: the channel is closed")
        return old

    @fn(".tc", 1)
    def to_channel(a: Any) -> Any:
        old = io.to_ch
        io.to_ch = io.cout if not v.truth(a) else need_chan(".tc", a, "w")
        if io.to_ch.closed_flag:
            raise KlongError(".tc: the channel is closed")
        return old

    @fn(".fl", 0)
    def flush() -> Any:
        io.stream(io.to_ch).flush()
        return []

    @fn(".df", 1)
    def delete_file(a: Any) -> Any:
        path = need_str(".df", a)
        try:
            os.remove(path)
        except OSError as e:
            raise KlongError(f".df: cannot delete {path!r}: {e.strerror}") from None
        return []

    @fn(".sys", 1)
    def system(a: Any) -> int:
        io.flush_all()
        return subprocess.run(need_str(".sys", a), shell=True).returncode

    @fn(".x", 1)
    def exit_(a: Any) -> Any:
        io.flush_all()
        io.close_all()
        a = v.num(a)
        raise SystemExit(a if type(a) is int else (1 if v.truth(a) else 0))

    @fn(".rn", 0)
    def random_number() -> float:
        return random.random()

    @fn(".pc", 0)
    def process_clock() -> float:
        return time.process_time()

    @fn(".l", 1)
    def load(a: Any) -> Any:
        path = find_file(need_str(".l", a))
        if path is None:
            raise KlongError(f".l: file not found: {a!r} (searched KLONGPATH)")
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as e:
            raise KlongError(f".l: cannot read {path!r}: {e.strerror}") from None
        return k.run(text, origin=str(path))

    @fn(".comment", 1)
    def comment(a: Any) -> Any:
        k.skip_comment(need_str(".comment", a))
        return a

    @fn(".module", 1)
    def module(a: Any) -> Any:
        from .compiler import Module
        if type(a) is Symbol:
            if k.module is not None:
                raise KlongError(".module: modules may not be nested")
            k.module = Module(a.name, set(G))
        elif not v.truth(a):
            k.module = None
        else:
            raise KlongError(".module: expected a symbol or 0")
        return []

    G[".a"] = []
    G[".cin"], G[".cout"], G[".cerr"] = io.cin, io.cout, io.cerr
    G[".cols"] = 80
    G[".e"] = sys.float_info.epsilon
    G[".edit"] = 0
    G[".fastpow"] = 0
    G[".h"] = Symbol("unix")


def search_path() -> list[str]:
    env = os.environ.get("KLONGPATH")
    dirs = env.split(":") if env else ["."]
    return dirs + [str(LIB_DIR)]


def find_file(name: str) -> Path | None:
    """Resolve a ``.l`` argument: KLONGPATH (then the bundled library), trying
    the name as given and with ``.kg`` appended."""
    candidates = [name, name + ".kg"]
    if name.startswith(("/", ".")):
        return next((Path(c) for c in candidates if Path(c).is_file()), None)
    for d in search_path():
        for c in candidates:
            p = Path(d or ".") / c
            if p.is_file():
                return p
    return None
