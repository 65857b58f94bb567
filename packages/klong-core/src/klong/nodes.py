"""The syntax tree the parser builds and the compiler turns into closures.
Every node carries the offset of its first character in the source."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class Node:
    pos: int


@dataclass(slots=True)
class Const(Node):
    value: Any  # Python data as read: numbers, str, Char, Symbol, lists of them


@dataclass(slots=True)
class DictLit(Node):
    pairs: list  # [(key, value)] as read


@dataclass(slots=True)
class Var(Node):
    name: str


@dataclass(slots=True)
class Lam(Node):
    body: list  # expressions
    arity: int
    local_names: list
    src: str


@dataclass(slots=True)
class Cond(Node):
    pred: Node
    then: Node
    other: Node


@dataclass(slots=True)
class Apply(Node):
    fn: Node
    args: list  # Node or None (a projection hole)


# verbs: what stands in an operator position


@dataclass(slots=True)
class OpVerb(Node):
    op: str


@dataclass(slots=True)
class ExprVerb(Node):
    expr: Node  # a variable, function literal or projection


@dataclass(slots=True)
class AdvVerb(Node):
    verb: Node
    adverb: str


@dataclass(slots=True)
class Monad(Node):
    verb: Node
    arg: Node


@dataclass(slots=True)
class Dyad(Node):
    verb: Node
    left: Node
    right: Node
