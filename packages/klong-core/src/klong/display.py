"""Values -> text: Klong's external representation.

``show`` is the readable one-line form (what ``.w`` writes: strings quoted,
characters as ``0cx``), ``display`` the same with strings and characters raw
(what ``.d`` and ``.p`` write), and ``layout`` what the REPL and ``-e`` print
(matrices one row a line, unless switched off).
"""

from __future__ import annotations

import math
import struct
from typing import Any, Callable

from .numtext import int_text
from .values import Channel, Char, KDict, KFunction, Special, Symbol


def _single(x: float) -> float:
    return struct.unpack("f", struct.pack("f", x))[0]


def _shortest32(x: float) -> str:
    """The shortest decimal text that reads back as the same float32."""
    target = _single(x)
    for digits in range(1, 10):
        text = f"{x:.{digits}g}"
        if _single(float(text)) == target:
            return repr(float(text))
    return repr(x)


def fmt_real(x: float, single: bool = False) -> str:
    """Shortest digits that read back as ``x`` (as a float32 when ``single``),
    always marked as real."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    r = _shortest32(x) if single else repr(x)
    mant, _, exp = r.partition("e")
    if x != 0 and not (1e-18 <= abs(x) < 1e18):  # the reference's bounds for plain digits
        if "." not in mant:
            mant += ".0"
        e = int(exp) if exp else 0
        if not exp:  # repr gave plain digits; renormalise to one leading digit
            from decimal import Decimal  # rare: start-up does not pay for decimal
            d = Decimal(r).normalize()
            sign, digits, dexp = d.as_tuple()
            e = len(digits) + dexp - 1
            ds = "".join(map(str, digits))
            mant = ("-" if sign else "") + ds[0] + "." + (ds[1:] or "0")
        return f"{mant}e{'+' if e >= 0 else '-'}{abs(e):02d}"
    if exp:
        from decimal import Decimal
        r = format(Decimal(r), "f")
    return r if "." in r else r + ".0"


def _fmt_single(x: float) -> str:
    return fmt_real(x, True)


def fmt_str(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


class _Text(str):
    """Text waiting on the printers' stacks (a Klong string there is a value)."""


class _Entry:
    """A dictionary's key and value, printed as ``[key value]``."""

    __slots__ = ("key", "value")

    def __init__(self, key: Any, value: Any):
        self.key, self.value = key, value


def _push(todo: list, items: Any, sep: str, frame: tuple, close: str) -> None:
    """Schedule ``items`` (as ``(item,) + frame``) separated by ``sep``, then ``close``."""
    todo.append(_Text(close))
    sep_t = _Text(sep)
    for i in range(len(items) - 1, -1, -1):
        todo.append((items[i],) + frame)
        if i:
            todo.append(sep_t)


class Shower:
    """Formats values; knows the backend's array type to print arrays.

    ``matrix`` says how :meth:`layout` (the REPL and ``klong -e``) prints a
    list holding lists: one element a line (the default) or on one line, as
    ``.p`` always does."""

    def __init__(self, backend: Any):
        self.B = backend
        self.AT = backend.array_type
        single = not backend.float64  # reals are float32: print float32's digits
        self.real: Callable[[float], str] = (lambda x: fmt_real(x, True)) if single else fmt_real
        self.matrix = True

    def show(self, x: Any, raw: bool = False) -> str:
        """The one-line form, as the reference prints every value; ``raw``
        writes strings and characters without quotes or ``0c`` at every depth.
        Lists and dictionaries are walked with an explicit stack: data of any
        depth prints in linear time, without recursion."""
        if type(x) is not list and type(x) is not KDict:
            return self._show1(x, raw)
        out: list[str] = []
        todo: list = [(x,)]
        while todo:
            item = todo.pop()
            if type(item) is _Text:
                out.append(item)
                continue
            v = item[0]
            t = type(v)
            if t is list:
                out.append("[")
                _push(todo, v, " ", (), "]")
            elif t is KDict:
                out.append(":{")
                _push(todo, [_Entry(k, e) for k, e in v.d.values()], " ", (), "}")
            elif t is _Entry:
                out.append("[")
                _push(todo, [v.key, v.value], " ", (), "]")
            else:
                out.append(self._show1(v, raw))
        return "".join(out)

    def _show1(self, x: Any, raw: bool) -> str:
        """An atom or an array."""
        t = type(x)
        if t is int:
            return int_text(x)
        if t is float:
            return self.real(x)
        if t is str:
            return x if raw else fmt_str(x)
        if t is Char:
            return x.c if raw else "0c" + x.c
        if t is Symbol:
            return ":" + x.name
        if isinstance(x, self.AT):
            return self._array(x)
        if isinstance(x, KFunction):
            return ":" + x.kind_name
        if isinstance(x, Special):
            return ":" + x.name
        if isinstance(x, Channel):
            return ":" + ("inchan" if x.mode == "r" else "outchan") + _fd(x)
        if t is bool:
            return "1" if x else "0"
        return f":pyobj<{type(x).__name__}>"

    def _array(self, a: Any) -> str:
        B = self.B
        if a.ndim == 0:
            return self.show(B.extent(a)[0])  # from its value: it may carry a gradient
        fmt: Callable[[Any], str] = str
        if B.kind(a) == "f":  # a float32 or float16 array (from Python) prints its own digits
            narrow = getattr(a.dtype, "itemsize", 8) < 8
            fmt = _fmt_single if narrow else self.real
        return _nested(B.tolist(a), fmt)

    def display(self, x: Any) -> str:
        """What ``.d`` and ``.p`` write: the one-line form with strings and
        characters raw wherever they appear (``.w`` writes :meth:`show`)."""
        return self.show(x, raw=True)

    def layout(self, x: Any, indent: int = 0, limit: int | None = None) -> str:
        """What the REPL and ``-e`` print: :meth:`show`, except that with
        :attr:`matrix` a list holding lists (strings aside) puts each element
        on a line of its own, indented under the opening bracket. ``limit``
        cuts lists after that many elements, with a marker. Walked with an
        explicit stack, as :meth:`show` is."""
        out: list[str] = []
        todo: list = [(x, indent, limit)]
        while todo:
            item = todo.pop()
            out.append(item if type(item) is _Text else self._lay(*item, todo))
        return "".join(out)

    def _lay(self, x: Any, indent: int, limit: int | None, todo: list) -> str:
        """The text that starts ``x``; what follows it is pushed on ``todo``."""
        if isinstance(x, self.AT):
            if x.ndim == 0:
                return self.show(x)
            n = x.shape[0]
            head = x if limit is None or n <= limit else x[:limit]
            more = _more(n, limit)
            if x.ndim == 1 or not self.matrix:
                return self._array(head)[:-1] + more + "]" if n else "[]"
            items: list = list(head)
        elif type(x) is list:
            n = len(x)
            items = x if limit is None or n <= limit else x[:limit]
            more = _more(n, limit)
            if not self.matrix or not any(self._nested(e) for e in items):
                _push(todo, items, " ", (0, limit), more + "]")
                return "["
        else:
            return self.show(x)
        _push(todo, items, "\n" + " " * (indent + 1), (indent + 1, limit), more + "]")
        return "["

    def _nested(self, x: Any) -> bool:
        """A non-empty list other than a string (it makes its parent multi-line)."""
        if type(x) is list:
            return bool(x)
        return isinstance(x, self.AT) and x.ndim > 0 and x.shape[0] > 0


def _fd(ch: Channel) -> str:
    """``.N``: the channel's file descriptor, as the reference names channels."""
    if ch.std:
        return "." + str({"cin": 0, "cout": 1, "cerr": 2}[ch.name])
    try:
        return "." + str(ch.file.fileno())
    except (AttributeError, OSError, ValueError):  # closed, or not a real file
        return ""


def _more(n: int, limit: int | None) -> str:
    return f" ... ({n} elements)" if limit is not None and n > limit else ""


def _nested(xs: Any, fmt: Callable[[Any], str]) -> str:
    if type(xs) is list:
        return "[" + " ".join(_nested(e, fmt) for e in xs) + "]"
    return fmt(xs)
