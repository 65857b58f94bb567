"""The adverbs: how a verb is applied across lists.

An adverb receives the verb it modifies as a pair of Python callables, its
monadic meaning ``m(a)`` and its dyadic meaning ``d(a, b)``, plus the operator
spelling when the verb is a primitive (``op``), which unlocks array fast paths
(``+/`` is one backend reduction, not a Python loop). For a function literal
that has one, ``op`` is instead its whole-array form (``klong/wholeform.py``),
which Each tries before calling the function once per element.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

from .errors import KlongError
from .values import KDict, Lambda

REDUCERS = {"+": "sum", "*": "prod", "|": "max", "&": "min"}
# atomic primitives that may be applied to a whole array instead of each element
ATOMIC_MONADS = {"-", "%", "_", "~"}
ATOMIC_DYADS = {"+", "-", "*", "%", "^", "&", "|", "<", ">", "=", ":%", "!"}
# elements a loop handles between two charges to the step count (limits and interrupts)
BATCH = 1024


class Adverbs:
    """Adverb implementations bound to one interpreter's verbs."""

    def __init__(self, verbs: Any):
        self.v = verbs
        # every loop below counts its steps: one per element (whole-array fast paths
        # too, so a step limit stops the same programs on every backend), charged a
        # batch at a time so that checks cost nothing per element
        self.tick, self.charge = verbs.k.guard.tick, verbs.k.guard.charge
        self.monadic: dict[str, Callable] = {
            "'": self.each, "/": self.over, "\\": self.scan, ":'": self.each_pair,
            ":~": self.converge, "\\~": self.scan_converge,
        }
        self.dyadic: dict[str, Callable] = {
            "'": self.each2, "/": self.over_neutral, "\\": self.scan_neutral,
            ":\\": self.each_left, ":/": self.each_right, ":~": self.while_,
            ":*": self.iterate, "\\~": self.scan_while, "\\*": self.scan_iterate,
        }

    # -- each family -----------------------------------------------------------
    def each(self, m: Callable, d: Callable, op: str | None, a: Any) -> Any:
        v = self.v
        if type(a) is KDict:
            pairs = [v.mklist([k, val]) for k, val in a.d.values()]
            return v.mklist([m(p) for part in self._batches(pairs) for p in part])
        if v.is_atom(a):
            if type(a) is list or (v.isarr(a) and a.ndim):
                return []
            if type(a) is str:
                return ""
            return m(a)
        if op in ATOMIC_MONADS and v.isarr(a):
            self.charge(len(a))
            return m(a)
        if callable(op) and v.isarr(a):
            self.charge(len(a))
            r = op(a)
            if r is not None:
                return r
        return v.like(a, [m(x) for part in self._batches(v.elems(a)) for x in part])

    def _batches(self, xs: list) -> Iterator[list]:
        """The slices of ``xs``, BATCH elements each, charged before each runs."""
        charge = self.charge
        if len(xs) <= BATCH:
            charge(len(xs))
            yield xs
            return
        for i in range(0, len(xs), BATCH):
            part = xs[i:i + BATCH]
            charge(len(part))
            yield part

    def each2(self, m: Callable, d: Callable, op: str | None, a: Any, b: Any) -> Any:
        """As kg: an atom on either side makes one call; an empty side is the
        result; else pairs up to the shorter list's end."""
        v = self.v
        if not self._seq(a) or not self._seq(b):
            return d(a, b)
        if self._empty(a) or self._empty(b):
            if self._empty(a) and self._empty(b):
                return a if type(b) is str else b  # [] before ""
            return b if self._empty(b) else a
        if op in ATOMIC_DYADS and v.isarr(a) and v.isarr(b) and a.shape == b.shape:
            self.charge(len(a))
            return d(a, b)
        pairs = list(zip(v.elems(a), v.elems(b)))
        items = [d(x, y) for part in self._batches(pairs) for x, y in part]
        # as kg: characters make a string when a string side is as long as the result
        strings = [s for s in (a, b) if type(s) is str and len(s) == len(items)]
        return v.like(strings[0] if strings else None, items)

    def _seq(self, x: Any) -> bool:
        """A list or string, empty or not."""
        return type(x) in (list, str) or (self.v.isarr(x) and x.ndim > 0)

    def _empty(self, x: Any) -> bool:
        return (type(x) in (list, str) and len(x) == 0) or (self.v.isarr(x) and x.ndim > 0 and x.shape[0] == 0)

    def each_left(self, m: Callable, d: Callable, op: str | None, a: Any, b: Any) -> Any:
        v = self.v
        if self._empty(b):
            return b
        if v.is_atom(b):
            return d(a, b)
        return v.like(b, [d(a, y) for part in self._batches(v.elems(b)) for y in part])

    def each_right(self, m: Callable, d: Callable, op: str | None, a: Any, b: Any) -> Any:
        v = self.v
        if self._empty(b):
            return b
        if v.is_atom(b):
            return d(b, a)
        return v.like(b, [d(y, a) for part in self._batches(v.elems(b)) for y in part])

    def each_pair(self, m: Callable, d: Callable, op: str | None, a: Any) -> Any:
        v = self.v
        if v.is_atom(a) or len(a) < 2:
            return a
        if op in ATOMIC_DYADS and v.isarr(a):
            self.charge(len(a))
            return d(a[:-1], a[1:])  # f(a1;a2),f(a2;a3)...: left is the earlier one
        xs = v.elems(a)
        pairs = list(zip(xs, xs[1:]))
        return v.like(a, [d(x, y) for part in self._batches(pairs) for x, y in part])

    # -- folds -------------------------------------------------------------------
    def over(self, m: Callable, d: Callable, op: str | None, a: Any) -> Any:
        v = self.v
        if v.is_atom(a):
            return a
        if v.isarr(a):
            self.charge(len(a))
            if op in REDUCERS:
                return v.reduce(REDUCERS[op], a)
            if op == "," and a.ndim >= 2:
                return v.B.reshape(a, (a.shape[0] * a.shape[1],) + tuple(a.shape[2:]))
        xs = v.elems(a)
        if op == ",":
            return self._join_all(xs)
        acc = xs[0]
        for part in self._batches(xs[1:]):
            for x in part:
                acc = d(acc, x)
        return acc

    def _join_all(self, xs: list) -> Any:
        """,/ without quadratic copying when every element is a list."""
        v = self.v
        self.charge(len(xs))
        if all(type(x) is str for x in xs):
            return "".join(xs)
        if all(v.is_list(x) or type(x) is list for x in xs):
            arrays = [x for x in xs if v.isarr(x)]
            if len(arrays) == len(xs) and len({(x.shape[1:], v.B.kind(x)) for x in xs}) == 1:
                return v.B.concat(xs)
            out: list = []
            for x in xs:
                out.extend(v.elems(x))
            return v.mklist(out)
        acc = xs[0]
        for part in self._batches(xs[1:]):
            for x in part:
                acc = v.join(acc, x)
        return acc

    def over_neutral(self, m: Callable, d: Callable, op: str | None, a: Any, b: Any) -> Any:
        v = self.v
        if self._empty(b):
            return a
        if v.is_atom(b):
            return d(a, b)
        if op in REDUCERS and v.isarr(b):
            self.charge(len(b))
            return d(a, v.reduce(REDUCERS[op], b))
        acc = self._start(a, b)
        for part in self._batches(v.elems(b)):
            for x in part:
                acc = d(acc, x)
        return acc

    def scan(self, m: Callable, d: Callable, op: str | None, a: Any) -> Any:
        v = self.v
        if self._empty(a):  # f\[] is [], f\"" is ""
            return a
        if v.is_atom(a):
            return v.mklist([a])
        if op in REDUCERS and v.isarr(a):
            self.charge(len(a))
            return v.scan(REDUCERS[op], a)
        xs = v.elems(a)
        acc = xs[0]
        out = [acc]
        for part in self._batches(xs[1:]):
            for x in part:
                acc = d(acc, x)
                out.append(acc)
        return v.mklist(out)

    def scan_neutral(self, m: Callable, d: Callable, op: str | None, a: Any, b: Any) -> Any:
        v = self.v
        if self._empty(b):  # as kg: x f\[] is x, and x f\atom is x,,f(x;atom)
            return a
        if v.is_atom(b):
            return v.join(a, v.enlist(d(a, b)))
        acc = self._start(a, b)
        out = [acc]
        for part in self._batches(v.elems(b)):
            for x in part:
                acc = d(acc, x)
                out.append(acc)
        return v.mklist(out)

    def _start(self, a: Any, b: Any) -> Any:
        """The accumulator of a fold over ``b``: as kg, [] folding a string is ""."""
        return "" if type(b) is str and self._empty(a) else a

    # -- fixpoints and iteration -----------------------------------------------
    def converge(self, m: Callable, d: Callable, op: str | None, a: Any) -> Any:
        match, keep = self.v._match, self.v.keep
        first = prev = a
        tick = self.tick
        while True:
            tick()
            nxt = keep(m(prev))
            if match(nxt, prev) or match(nxt, first):
                return nxt
            prev = nxt

    def scan_converge(self, m: Callable, d: Callable, op: str | None, a: Any) -> Any:
        match, keep = self.v._match, self.v.keep
        out = [a]
        prev = a
        tick = self.tick
        while True:
            tick()
            nxt = keep(m(prev))
            if match(nxt, prev) or match(nxt, a):
                return self.v.mklist(out)
            out.append(nxt)
            prev = nxt

    def _pred(self, a: Any) -> Callable[[Any], bool]:
        k, truth = self.v.k, self.v.truth
        if not callable(getattr(a, "call", None)):
            raise KlongError(":~: the left operand of While must be a function")
        if type(a) is Lambda and a.arity == 1:
            f = a.fn
            return lambda x: (r != 0) if type(r := f(x)) is int else truth(r)
        return lambda x: truth(k.apply_adverb(a, [x]))

    def while_(self, m: Callable, d: Callable, op: str | None, a: Any, b: Any) -> Any:
        pred, tick, keep = self._pred(a), self.tick, self.v.keep
        while pred(b):
            tick()
            b = keep(m(b))
        return b

    def scan_while(self, m: Callable, d: Callable, op: str | None, a: Any, b: Any) -> Any:
        pred, tick, keep = self._pred(a), self.tick, self.v.keep
        out = []
        while pred(b):
            tick()
            out.append(b)
            b = keep(m(b))
        return self.v.mklist(out)

    def iterate(self, m: Callable, d: Callable, op: str | None, a: Any, b: Any) -> Any:
        tick, keep = self.tick, self.v.keep
        for _ in range(self._count(a)):
            tick()
            b = keep(m(b))
        return b

    def scan_iterate(self, m: Callable, d: Callable, op: str | None, a: Any, b: Any) -> Any:
        n = self._count(a)
        if not n:  # as kg: zero steps give x itself
            return b
        out = [b]
        tick, keep = self.tick, self.v.keep
        for _ in range(n):
            tick()
            b = keep(m(b))
            out.append(b)
        return self.v.mklist(out)

    def _count(self, a: Any) -> int:
        n = self.v.int_arg(":*", a)
        if n < 0:
            raise KlongError(":*: the count must not be negative")
        return n
