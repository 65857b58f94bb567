"""The syntax tree the parser builds and the compiler turns into closures.
Every node carries the offset of its first character in the source."""

from __future__ import annotations

from typing import Any


class Node:
    """A node: its fields are the ``__slots__`` of its class and its bases, set
    in that order by position. Plain classes, not dataclasses: making a dozen
    dataclasses costs every start-up several milliseconds."""

    __slots__ = ("pos",)
    _fields: tuple[str, ...] = ("pos",)
    __hash__ = None  # compared by value, as the dataclasses these were

    def __init_subclass__(cls) -> None:
        cls._fields = cls.__mro__[1]._fields + tuple(cls.__slots__)

    def __init__(self, *values: Any) -> None:
        if len(values) != len(self._fields):
            raise TypeError(f"{type(self).__name__} takes {', '.join(self._fields)}")
        for name, value in zip(self._fields, values):
            setattr(self, name, value)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and all(
            getattr(self, f) == getattr(other, f) for f in self._fields)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{f}={getattr(self, f)!r}' for f in self._fields)})"


class Const(Node):
    __slots__ = ("value",)  # value: Python data as read: numbers, str, Char, Symbol, lists of them


class DictLit(Node):
    __slots__ = ("pairs",)  # pairs: [(key, value)] as read


class Var(Node):
    __slots__ = ("name",)


class Lam(Node):
    __slots__ = ("body", "arity", "local_names", "src")  # body: expressions


class Cond(Node):
    __slots__ = ("pred", "then", "other")


class Apply(Node):
    __slots__ = ("fn", "args")  # args: Node or None (a projection hole)


# verbs: what stands in an operator position


class OpVerb(Node):
    __slots__ = ("op",)


class ExprVerb(Node):
    __slots__ = ("expr",)  # expr: a variable, function literal or projection


class AdvVerb(Node):
    __slots__ = ("verb", "adverb")


class Monad(Node):
    __slots__ = ("verb", "arg")


class Dyad(Node):
    __slots__ = ("verb", "left", "right")
