"""Core's representation of Klong values that are not backend arrays.

integer -> Python int (exact, any size)      real -> Python float (or a 0-d array)
string  -> Python str                        character -> Char (interned)
symbol  -> Symbol (interned)                 list -> Python list, or a backend array
dictionary -> KDict                          function -> KFunction subclasses
channel -> Channel                           :undefined / :eof -> Special
"""

from __future__ import annotations

from typing import Any, Callable


class _Interned:
    """One object per text (compare with ``is``): the text is kept in the
    subclass's single slot, named by ``_attr``."""

    __slots__ = ()
    _attr: str
    _table: dict

    def __new__(cls, text: str):
        obj = cls._table.get(text)
        if obj is None:
            new = object.__new__(cls)
            setattr(new, cls._attr, text)
            obj = cls._table.setdefault(text, new)  # atomic: racing threads get one object
        return obj

    def __reduce__(self):
        return (type(self), (getattr(self, self._attr),))


class Symbol(_Interned):
    """An interned symbol."""

    __slots__ = ("name",)
    _attr = "name"
    _table: dict[str, "Symbol"] = {}

    def __repr__(self) -> str:
        return ":" + self.name


class Char(_Interned):
    """An interned character."""

    __slots__ = ("c",)
    _attr = "c"
    _table: dict[str, "Char"] = {}

    def __repr__(self) -> str:
        return "0c" + self.c


class Special:
    """The :undefined and :eof objects."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return ":" + self.name


UNDEFINED = Special("undefined")
EOF = Special("eof")


class KDict:
    """A Klong dictionary: keys of any value, kept in insertion order."""

    __slots__ = ("d",)

    def __init__(self, d: dict | None = None):
        self.d: dict[Any, tuple[Any, Any]] = {} if d is None else d  # hkey -> (key, value)

    def __len__(self) -> int:
        return len(self.d)

    def __repr__(self) -> str:
        pairs = ", ".join(f"{k!r}: {v!r}" for k, v in self.d.values())
        return f"<Klong dictionary {{{pairs}}}>"


class KFunction:
    """Anything callable from Klong. ``arity`` is 0..3."""

    arity: int = 1

    def call(self, args: list) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def kind_name(self) -> str:
        return ("nilad", "monad", "dyad", "triad")[min(self.arity, 3)]

    def describe(self) -> str:
        """Its text, or its name."""
        return getattr(self, "name", type(self).__name__)

    def __repr__(self) -> str:
        return f"<Klong {self.kind_name} {self.describe()}>"


class Lambda(KFunction):
    """A function literal ``{...}``: its compiled body and the names it binds.
    ``fn`` takes the arguments one by one (``fn(x, y)``), ``call`` as a list."""

    __slots__ = ("arity", "fn", "call", "src", "whole")

    def __init__(self, arity: int, fn: Callable[..., Any], src: str):
        self.arity = arity
        self.fn = fn
        self.call: Callable[[list], Any] = lambda args: fn(*args)
        self.src = src
        self.whole: Callable[[Any], Any] | None = None  # Each in one array call (wholeform.py)

    def describe(self) -> str:
        return self.src


class Projection(KFunction):
    """A function with some arguments fixed: ``f(;2)``; ``None`` marks a hole."""

    __slots__ = ("fn", "args", "arity")

    def __init__(self, fn: KFunction, args: list):
        self.fn = fn
        self.args = args
        self.arity = sum(a is None for a in args)

    def call(self, args: list) -> Any:
        it = iter(args)
        return self.fn.call([next(it) if a is None else a for a in self.args])

    def describe(self) -> str:
        fixed = ";".join("" if a is None else repr(a) for a in self.args)
        return f"{self.fn.describe()}({fixed})"


class Builtin(KFunction):
    """A system function (``.p``, ``.rs`` ...) or a Python callable seen from Klong."""

    __slots__ = ("name", "arity", "fn", "pass_list")

    def __init__(self, name: str, arity: int, fn: Callable, pass_list: bool = False):
        self.name = name
        self.arity = arity
        self.fn = fn
        self.pass_list = pass_list  # variadic Python callables get one list argument

    def call(self, args: list) -> Any:
        return self.fn(list(args)) if self.pass_list else self.fn(*args)


class VerbFn(KFunction):
    """An operator or an adverb-modified verb used as a function value; it can be
    called with one or two arguments (its monadic and dyadic meanings)."""

    __slots__ = ("name", "monad", "dyad", "arity")

    def __init__(self, name: str, monad: Callable | None, dyad: Callable | None):
        self.name = name
        self.monad = monad
        self.dyad = dyad
        self.arity = 2 if dyad is not None else 1

    def call(self, args: list) -> Any:
        if len(args) == 1 and self.monad is not None:
            return self.monad(args[0])
        if len(args) == 2 and self.dyad is not None:
            return self.dyad(args[0], args[1])
        from .errors import KlongError
        raise KlongError(f"{self.name}: wrong number of arguments ({len(args)})")


class Channel:
    """An I/O channel: a file or one of the standard streams."""

    __slots__ = ("name", "file", "mode", "closed_flag", "std", "at_eof", "pending")

    def __init__(self, name: str, file: Any, mode: str, std: bool = False):
        self.name = name
        self.file = file
        self.mode = mode  # "r" or "w"
        self.closed_flag = False
        self.std = std
        self.at_eof = False
        self.pending = ""  # characters read ahead by .r

    def __repr__(self) -> str:
        return f":{'inchan' if self.mode == 'r' else 'outchan'}.{self.name}"
