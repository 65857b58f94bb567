"""Seeded random programs aimed at the fast paths, for the differential tester
(test_differential.py): each program runs with fast paths on and off, and the
printed results must be the same byte for byte.

Each family aims at one fast path (ARCHITECTURE.md, "Fast paths"): integers
near and past the int64 bounds (exact fallbacks, cached and propagated
extents, exact sums), integers mixed with reals and divided (``mixes_reals``,
``true_divide``), Each over matrices (whole-array forms, the ``{+/x*b}``
matrix product), scalar functions and loops (the generated Python source and
its cache), dictionaries and mixed data (the inline ``?`` and ``d,k,v``).
Sizes stay small, loops are bounded and exponents too, so every program ends
quickly and in little memory."""

from __future__ import annotations

import random
from typing import Callable, Iterator

I63 = 2**63
EDGE = [0, 1, -1, 2, 3, 7, -13, 255, 3037000499, 3037000500, -3037000500, 2**31, 2**32,
        2**53 + 1, 2**62, -(2**62), I63 - 1, -I63, -I63 + 1, I63, -I63 - 1, 2**64, 10**30, -(10**25)]
REALS = ["0.0", "0.5", "-1.5", "2.0", "1e300", "-0.25", "3.0e-5", "1e18", "0.1", "-0.3", "1.1",
         "3.14159", "9.223372036854775807e18", "-9.3e18", "1e-300", "2.5e15"]  # inexact ones too
ATOMS = ['"abc"', '""', "0ca", ":foo", "[]", '["a" "bc"]', "[1 [2 3] \"x\"]", "[0ca 0cb]",
         "[:a :b]", ":{[1 2]}", "[[1] [2 3]]", "[:{[1 2]} 3]", ",:{}", "[1 2.0]"]
ARITH = ["+", "-", "*", "%", "&", "|", "<", ">", "="]
INT_ONLY = [":%", "!"]
MONADS = ["-", "%", "_", "~", "#", "*", "|", ",", "^", "=", "$"]  # no ! &: counts as large as 2^63
FOLDS = ["+/", "*/", "|/", "&/", "+\\", "*\\", "|\\", "&\\", "-/", ",/"]
WHOLE_BODIES = ["(x*x)+1", "x*2", "-x", "~x", "x<2", "x=1", "x-c", "x+c", "(x*c)-x", "x>c",
                "c-x", "c*x+1", "(x+c)*x", "x"]


class Gen:
    """One program at a time from a seeded random stream."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def pick(self, xs: list) -> object:
        return self.rng.choice(xs)

    # -- data ---------------------------------------------------------------------
    def int_(self) -> str:
        r = self.rng.random()
        if r < 0.45:
            return str(self.pick(EDGE))
        if r < 0.6:
            return str(self.pick(EDGE) + self.rng.randint(-3, 3))
        return str(self.rng.randint(-20, 20))

    def num(self) -> str:
        return self.pick(REALS) if self.rng.random() < 0.25 else self.int_()

    def vector(self, n: int | None = None, reals: float = 0.2) -> str:
        n = self.rng.choice([0, 1, 1, 2, 3, 4, 5]) if n is None else n
        if n == 0:
            return self.pick(["[]", "!0", "0#[1]"])
        items = [self.pick(REALS) if self.rng.random() < reals else self.int_() for _ in range(n)]
        return "[" + " ".join(items) + "]"

    def matrix(self, rows: int | None = None, cols: int | None = None, reals: float = 0.2) -> str:
        rows = self.rng.choice([1, 2, 3]) if rows is None else rows
        cols = self.rng.choice([1, 2, 3]) if cols is None else cols
        return "[" + " ".join(self.vector(cols, reals) for _ in range(rows)) + "]"

    def large(self) -> str:
        """An integer vector of at least 4096 elements (large enough for the extent cache)."""
        base = self.pick(["!5000", "4096#[1]", "(!4100)-2050", "[4100 2]:^!8200", "4096#[-1 1]"])
        k = self.pick(["0", "1", str(2**50), str(2**61), str(-(2**62)), str(2**62), "3037000500"])
        op = self.pick(["+", "*", "-"])
        return f"({k}{op}{base})"

    def value(self) -> str:
        r = self.rng.random()
        if r < 0.3:
            return self.num()
        if r < 0.6:
            return self.vector()
        if r < 0.8:
            return self.matrix()
        return self.pick(ATOMS)

    # -- families ---------------------------------------------------------------
    def arith(self) -> str:
        """Integer and mixed arithmetic around the int64 bounds, folds, scans."""
        a, b = self.value(), self.value()
        r = self.rng.random()
        if r < 0.5:
            return f"({a}){self.pick(ARITH + INT_ONLY)}{b}"
        if r < 0.7:
            return f"{self.pick(MONADS)}{a}"
        if r < 0.9:
            return f"{self.pick(FOLDS)}{a}"
        return f"({a}){self.pick(ARITH)}({b}){self.pick(ARITH)}{self.value()}"

    def extents(self) -> str:
        """Large integer vectors: cached and propagated extents, sums in range."""
        v = self.large()
        steps = [f"w::{self.pick(['', '-', '2*', '1+', '(2^40)*', '3037000500*'])}v"
                 for _ in range(self.rng.randint(1, 3))]
        last = self.pick(["+/w", "*/4#w", "+/w*w", "|/w", "&/w", "#w", "+/w%1+!#w", "4#+\\w",
                          "+/(w%3)", "-/4#w", "+/w*1.5", "+/v+w", "4#w", "+/+w"])
        return ";".join([f"v::{v}", *steps, last])

    def mixed(self) -> str:
        """Integers meeting reals and division, zero divisors among them."""
        ints = self.pick([self.vector(reals=0), self.matrix(reals=0), self.large(), self.int_()])
        # (#,i): i's length, also for an integer i (#i would be its magnitude: gigabytes)
        other = self.pick([self.pick(REALS), self.int_(), "0", "0.0", "i%7", "i*0.1", "(#,i)#[0 1.5]",
                           "(#,i)#[2 0]", "(#,i)#0.5", "|i", "i-i", "%1+i"])
        op = self.pick(["%", "*", "+", "-", "<", ">", "=", "&", "|", "^", ":%", "!"])
        if op == "^":  # an exponent as large as 2^63 would build an integer of exabytes
            other = self.pick(["2", "0.5", "[0 1 2]", "-1", "[2.0 3]", "3"])
        flip = op != "^" and self.rng.random() >= 0.6  # i as an exponent: a result of gigabytes
        expr = f"o{op}i" if flip else f"(i){op}o"
        return f"i::{ints};o::{other};{self.pick(['', '4#', '#', '+/', '*|'])}{expr}"

    def each(self) -> str:
        """Each over matrices and vectors with rank-polymorphic bodies."""
        data = self.pick([self.matrix(), self.matrix(reals=0), self.vector(), self.large(),
                          self.matrix(0 + self.rng.randint(0, 3), 2, 0), '"abc"', "[[1 2] [3]]"])
        c = self.pick([self.num(), self.vector(2), "2.5", '"a"', "0ca", ":s", self.matrix(2, 2)])
        body = self.pick(WHOLE_BODIES)
        text = f"c::{c};D::{data};{{{body}}}'D"
        if self.rng.random() < 0.3:  # locals of an enclosing function
            text = f"c::{c};D::{data};{{[c];c::y;{{{body}}}'x}}(D;c)"
        return text

    def inner(self) -> str:
        """``{+/x*b}'M`` and ``{+/b*x}'M``, b a vector or a matrix, free or a local."""
        rows, cols = self.rng.randint(0, 3), self.rng.randint(0, 3)
        reals = self.pick([0, 0, 0.5, 1])
        m = self.matrix(rows, cols, reals) if rows else self.pick(["[]", "!0"])
        b = self.pick([self.vector(cols, reals), self.matrix(cols, self.rng.randint(1, 3), reals),
                       self.vector(cols + 1), self.num(), '"ab"', self.matrix(rows or 1, cols or 1)])
        body = self.pick(["+/x*b", "+/b*x"])
        if self.rng.random() < 0.5:
            return f"M::{m};b::{b};{{{body}}}'M"
        return f"M::{m};B::{b};{{[b];b::y;{{{body}}}'x}}(M;B)"

    def scalar(self) -> str:
        """Scalar-heavy functions that the generated source compiles: inline
        integer operators, conditionals, calls, projections, loops."""
        a, b = (self.pick([self.int_, self.int_, self.num, self.value])() for _ in "ab")
        op = self.pick(ARITH + INT_ONLY + [",", "?", "~", "@"])  # no ^ #: results of exabytes
        r = self.rng.random()
        if r < 0.3:
            return f"f::{{x{op}y}};f({a};{b})"
        if r < 0.45:
            return f"f::{{:[x{self.pick(['<', '>', '='])}y;x{op}y;y{op}x]}};f({a};{b})"
        if r < 0.6:
            n = self.rng.randint(0, 12)
            return f"f::{{[i s];i::0;s::{a};{{i<x}}{{s::s{op}i;i::i+1}}:~0;s}};f({n})"
        if r < 0.7:
            return f"fib::{{:[x<2;x;fib(x-1)+fib(x-2)]}};fib({self.rng.randint(0, 15)})"
        if r < 0.8:
            return f"g::{{x{op}y}}(;{b});g({a})"
        if r < 0.9:
            n = self.rng.randint(1, 6)
            return f"p::{a};{{p::p{op}x;p}}'!{n}"
        return f"{{[u];:[x;u;0]}}({a})"

    def dicts(self) -> str:
        """Dictionaries: inserts (``d,k,v``), lookups, inside lists."""
        keys = [self.pick([self.int_(), '"k"', "0cx", ":s", "2.0", "[1 2]"]) for _ in range(3)]
        vals = [self.value() for _ in range(3)]
        inserts = ";".join(f"d::d,{k},{v}" for k, v in zip(keys, vals))
        look = self.pick([f"d?{keys[0]}", f"d?{self.int_()}", "#d", "d", "[d 1]", "*d", "d,1",
                          f"{{x?{keys[1]}}}'[d d]", "{x,1,2}'[d 3]"])
        return f"d:::{{}};{inserts};{look}"

    def nested(self) -> str:
        """Ragged and nested lists, strings, characters, symbols through adverbs."""
        data = self.pick(ATOMS + [self.vector(), self.matrix()])
        fn = self.pick(["{x}", "{#x}", "{x,x}", "{*x}", "{x=x}", "{-x}", "{x+1}", "{~x}", "{@x}"])
        adverb = self.pick(["'", "/", "\\", ":'"])
        if adverb in "/\\":
            fn = self.pick(["{x,y}", "{y}", "{x+y}", "{x|y}", "{x~y}"])
        return f"D::{data};{fn}{adverb}D"

    FAMILIES: dict[str, Callable[["Gen"], str]] = {
        "arith": arith, "extents": extents, "mixed": mixed, "each": each, "inner": inner,
        "scalar": scalar, "dicts": dicts, "nested": nested,
    }


def programs(family: str, seed: int, count: int) -> Iterator[str]:
    """``count`` programs of ``family``, the same ones for the same seed."""
    g = Gen(random.Random(f"{seed}:{family}"))
    make = Gen.FAMILIES[family]
    for _ in range(count):
        yield make(g)
