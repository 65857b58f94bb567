"""The semantics of every Klong operator, written once against the backend protocol.

A ``Verbs`` object belongs to one interpreter and holds its backend. Its two
tables, ``monads`` and ``dyads``, map operator spellings to methods; the
compiler looks an operator up once, when it compiles it.

Numeric fast paths: when operands are backend arrays, work is handed to the
backend in one call; everything else (strings, symbols, ragged and mixed lists)
takes the general path over Python lists.
"""

from __future__ import annotations

import math
import re
import weakref
from functools import cmp_to_key
from typing import Any, Callable

from . import grade
from .backend import Backend
from .errors import KlongError
from .nested import rebuild
from .numtext import int_text, text_int
from .values import (EOF, UNDEFINED, Builtin, Channel, Char, KDict, KFunction, Lambda,
                     Projection, Special, Symbol, VerbFn)

NUMT = (int, float)
I64_MAX = 2**63 - 1
I64_MIN = -(2**63)
SAFE = 2**62  # below this, int64 arithmetic on two operands cannot overflow for + and -
REL_TOL = 1e-13  # "sufficiently similar" reals for = and ~
MAX_LIST = 2**48  # no list can be longer (numpy would silently give an empty one)
MAX_RANK = 32  # deeper nesting is a Python list of arrays, on every backend
BIG_BITS = 1 << 23  # a big-integer result of a megabyte or more is checked before it is computed
# dyads that choose their result's kind from their operands' kinds themselves: min and
# max pick an operand, power keeps an integer to a whole real power integral (kg)
OWN_KINDS = frozenset("&|^")
_LIST, _OBJ = object(), object()  # markers inside hkey's flat tuples


def _same(x: Any) -> Any:
    return x


def err(op: str, msg: str) -> KlongError:
    return KlongError(f"{op}: {msg}")


def fits64(n: int) -> bool:
    return I64_MIN <= n <= I64_MAX


def real_eq(a: float, b: float) -> bool:
    if a == b:
        return True
    try:
        return abs(a - b) <= REL_TOL * max(abs(a), abs(b))
    except OverflowError:  # an integer beyond any real is unlike every real
        return False


def _common_prefix(shapes: list) -> list:
    """The longest common prefix of reversed shapes (None: an atom's), reversed:
    the first shape, cut in place."""
    s0, k = shapes[0], len(shapes[0] or ())
    for s in shapes[1:]:
        if s is None:
            return []
        if s != s0:
            k = min(k, len(s))
            j = 0
            while j < k and s[-1 - j] == s0[-1 - j]:
                j += 1
            k = j
    if not k:
        return []
    del s0[:len(s0) - k]
    return s0


def type_name(x: Any) -> str:
    t = type(x)
    if t is int:
        return "integer"
    if t is float:
        return "real"
    if t is str:
        return "string"
    if t is Char:
        return "character"
    if t is Symbol:
        return "symbol"
    if t is list:
        return "list"
    if t is KDict:
        return "dictionary"
    if isinstance(x, KFunction):
        return "function"
    if isinstance(x, Channel):
        return "channel"
    if isinstance(x, Special):
        return x.name
    if hasattr(x, "shape"):  # a 0-d array (it carries a gradient) is named like its number
        if len(x.shape):
            return "list"
        return "real" if "float" in str(getattr(x, "dtype", "")) else "integer"
    return type(x).__name__


class Verbs:
    """Operators, adverb helpers and value utilities for one backend."""

    def __init__(self, interp: Any):
        self.k = interp
        B = self.B = interp.backend
        self.AT = B.array_type
        self.alloc = interp.guard.alloc  # refuses, in advance, what will not fit
        self.tracing = 0  # differentiation hooks running (autograd._answer counts them)
        # values kept in variables and loops pass through the backend's settle, if it has one
        self.settles = type(B).settle is not Backend.settle
        self.keep = self._settled if self.settles else _same
        self._extents: dict[int, tuple] = {}
        self.fast = interp.fast_paths
        # the plain evaluator: no array is large enough to cache or propagate its extent
        self.cache_min = self.CACHE_MIN if self.fast else math.inf
        self.monads: dict[str, Callable] = {
            "+": self.transpose, "-": self.negate, "*": self.first, "%": self.reciprocal,
            "&": self.where, "|": self.reverse, "<": self.grade_up, ">": self.grade_down,
            "=": self.group, "~": self.knot, "$": self.format, "@": self.atom,
            "#": self.size, ",": self.enlist, "^": self.shape, "!": self.enumerate,
            "?": self.range, "_": self.floor, ":#": self.char, ":_": self.undefined,
        }
        self.dyads: dict[str, Callable] = {
            "+": self.plus, "-": self.minus, "*": self.times, "%": self.divide,
            "^": self.power, ":%": self.int_divide, "!": self.remainder, "&": self.min,
            "|": self.max, "<": self.less, ">": self.more, "=": self.equal, "~": self.match,
            ",": self.join, "#": self.take, "_": self.drop, "?": self.find, "@": self.index,
            ":@": self.index_depth, ":=": self.amend, ":-": self.amend_depth, ":_": self.cut,
            ":#": self.split, ":^": self.reshape, ":+": self.rotate, "$": self.format2,
            ":$": self.form,
        }

    # ======================================================================
    # value utilities
    # ======================================================================
    def isarr(self, x: Any) -> bool:
        return isinstance(x, self.AT)

    def is_list(self, x: Any) -> bool:
        """A list in the sense of structure: Python list or array of rank >= 1 (not str)."""
        return type(x) is list or (isinstance(x, self.AT) and x.ndim > 0)

    def is_num(self, x: Any) -> bool:
        t = type(x)
        return t is int or t is float or (isinstance(x, self.AT) and x.ndim == 0)

    def is_atom(self, x: Any) -> bool:
        t = type(x)
        if t is list or t is str:
            return len(x) == 0
        if isinstance(x, self.AT):
            return x.ndim == 0 or x.shape[0] == 0
        return True

    def elems(self, x: Any) -> list:
        """The elements of a list, array or string as Klong values."""
        t = type(x)
        if t is list:
            return x
        if t is str:
            return [Char(c) for c in x]
        if x.ndim == 1:
            return self.B.elements(x)
        return list(x)

    def truth(self, x: Any) -> bool:
        t = type(x)
        if t is int or t is float:
            return x != 0
        if t is list or t is str:
            return len(x) != 0
        if isinstance(x, self.AT):
            return bool(x != 0) if x.ndim == 0 else x.shape[0] != 0
        return True

    def mklist(self, xs: list) -> Any:
        """Canonical form of a list: uniform numbers become one backend array."""
        if not xs:
            return []
        x0 = xs[0]
        t0 = type(x0)
        if t0 is int:
            for v in xs:
                if type(v) is not int or not (I64_MIN <= v <= I64_MAX):
                    return xs
            return self.B.asarray(xs, "i")
        if t0 is float:
            for v in xs:
                if type(v) is not float:
                    return self._reals(xs)
            return self.B.asarray(xs, "f")
        if isinstance(x0, self.AT):
            if x0.ndim >= MAX_RANK:
                return xs
            AT, shape, kind = self.AT, x0.shape, self.B.kind(x0)
            for v in xs:
                if not isinstance(v, AT) or v.shape != shape or self.B.kind(v) != kind:
                    return self._reals(xs) if not shape and kind == "f" else xs
            if len(shape) and shape[0] == 0:
                return xs
            return self.B.stack(xs)
        return xs

    def _reals(self, xs: list) -> Any:
        """Reals mixing Python floats and 0-d arrays (which carry gradients) as
        one vector, stacked so that the gradients flow; anything else as is."""
        AT, B = self.AT, self.B
        for v in xs:
            if type(v) is not float and not (isinstance(v, AT) and v.ndim == 0 and B.kind(v) == "f"):
                return xs
        return B.stack([v if isinstance(v, AT) else B.asarray(v, "f") for v in xs])

    def like(self, template: Any, items: list) -> Any:
        """A list of ``items``, as a string when ``template`` is one and all are chars."""
        if type(template) is str and all(type(c) is Char for c in items):
            return "".join(c.c for c in items)
        return self.mklist(items)

    def num(self, x: Any) -> Any:
        """A Python number from a 0-d array (others unchanged)."""
        return self.B.scalar(x) if isinstance(x, self.AT) and x.ndim == 0 else x

    def plain(self, x: Any) -> Any:
        """The Python number of a 0-d array, read from its value (``extent``),
        never pulled with ``tolist``: it may carry a gradient, which has no part
        in a count, a key or an order."""
        return self.B.extent(x)[0]

    def int_arg(self, op: str, x: Any) -> int:
        x = self.num(x)
        if isinstance(x, self.AT) and x.ndim == 0:
            x = self.plain(x)
        if type(x) is not int:
            if isinstance(x, self.AT):
                raise err(op, f"expected an integer, got {type_name(x)}")
            raise err(op, f"expected an integer, got {type_name(x)}")
        return x

    def int_list(self, op: str, x: Any) -> list[int]:
        if self.is_list(x):
            return [self.int_arg(op, v) for v in self.elems(x)]
        return [self.int_arg(op, x)]

    def _settled(self, x: Any) -> Any:
        return self.B.settle(x) if isinstance(x, self.AT) else x

    # -- keys, comparison and matching ---------------------------------------
    def hkey(self, x: Any) -> Any:
        """A hashable key such that matching values have equal keys. A list's key
        is one flat tuple (each list a marker and its length, then its elements),
        built without recursion, so that data of any depth hashes in linear time."""
        if not self.is_list(x) and type(x) is not list:
            if type(x) is KDict:  # as kg: no key, element of a group or range is one
                raise KlongError("type error: a dictionary is not a key")
            return self._atom_key(x)
        out: list = []
        todo = [x]
        while todo:
            v = todo.pop()
            if type(v) is list or (isinstance(v, self.AT) and v.ndim > 0):
                n = len(v)
                out += (_LIST, n)
                if isinstance(v, self.AT) and v.ndim == 1:
                    out += [self._atom_key(e) for e in self.B.tolist(v)]
                else:
                    todo += reversed(self.elems(v))
            else:
                out.append(self._atom_key(v))
        return tuple(out)

    def _atom_key(self, x: Any) -> Any:
        t = type(x)
        if t is int or t is str or t is Char or t is Symbol:
            return x
        if t is float:
            return int(x) if x.is_integer() else x
        if isinstance(x, self.AT):  # 0-d: a number carrying a gradient: its value is the key
            return self._atom_key(self.plain(x))
        return (_OBJ, id(x))

    def match(self, a: Any, b: Any) -> int:
        return 1 if self._match(a, b) else 0

    def _match(self, a: Any, b: Any) -> bool:
        """Klong's ~, by an explicit stack of pairs (data may be of any depth)."""
        todo = [(a, b)]
        work = 0
        result = True
        while todo:
            work += 1
            if work & 1023 == 0:  # matching deep data is work: it counts against step limits
                self.k.guard.charge(1024)
            a, b = todo.pop()
            same = self._match1(a, b)
            if type(same) is list:
                todo += same
            elif not same:
                result = False
                break
        if work > 63:  # and so do many smaller matches (a converging loop of deep data)
            self.k.guard.charge(work & 1023)
        return result

    def _match1(self, a: Any, b: Any) -> bool | list:
        """Whether two values match, or the pairs of elements that decide it."""
        ta, tb = type(a), type(b)
        if ta is int and tb is int:
            return a == b
        if ta in NUMT and tb in NUMT:
            return real_eq(a, b) if (ta is float or tb is float) else a == b
        AT = self.AT
        if isinstance(a, AT) or isinstance(b, AT):
            if isinstance(a, AT) and isinstance(b, AT):
                if a.shape != b.shape:
                    return False
                if a.ndim and a.shape[0] == 0:
                    return True
                if self.B.kind(a) == "i" and self.B.kind(b) == "i":
                    return self.B.all(a == b)
                return self.B.all(self._feq(a, b))
            if isinstance(a, AT) and a.ndim == 0:
                return [(self.plain(a), b)]  # scalar would keep the gradient
            if isinstance(b, AT) and b.ndim == 0:
                return [(a, self.plain(b))]
        if self.is_list(a) and self.is_list(b):
            if len(a) != len(b):
                return False
            return list(zip(self.elems(a), self.elems(b)))
        if ta is KDict and tb is KDict:
            return a.d.keys() == b.d.keys() and [(a.d[k][1], b.d[k][1]) for k in a.d]
        if ta is str and tb is str:
            return a == b
        return a is b if ta is tb else False

    def _feq(self, a: Any, b: Any) -> Any:
        """Elementwise approximate equality of numeric arrays (or array and number)."""
        tol = REL_TOL * self.B.maximum(abs(a), abs(b))
        return (a == b) | (abs(a - b) <= tol)

    def compare(self, a: Any, b: Any) -> int:
        """Klong's ordering: numbers by value, chars by code, strings and symbols
        lexicographically, lists elementwise."""
        pairs: list[tuple[Any, int, int]] = []  # the lists being compared, by an explicit stack
        while True:
            c = self._compare1(a, b)
            if c is None:  # two lists: their elements in turn, then their lengths
                pairs.append((zip(self.elems(a), self.elems(b)), len(a), len(b)))
            elif c:
                return c
            while pairs:
                it, la, lb = pairs[-1]
                nxt = next(it, None)
                if nxt is not None:
                    a, b = nxt
                    break
                pairs.pop()
                if la != lb:
                    return (la > lb) - (la < lb)
            else:
                return 0

    def _compare1(self, a: Any, b: Any) -> int | None:
        """compare on atoms; None for two lists."""
        a, b = self.num(a), self.num(b)
        if isinstance(a, self.AT) and a.ndim == 0:  # one carrying a gradient: by its value
            a = self.plain(a)
        if isinstance(b, self.AT) and b.ndim == 0:
            b = self.plain(b)
        ta, tb = type(a), type(b)
        if ta in NUMT and tb in NUMT:
            return (a > b) - (a < b)
        if ta is Char and tb is Char:
            return (a.c > b.c) - (a.c < b.c)
        if ta is str and tb is str:
            return (a > b) - (a < b)
        if ta is Symbol and tb is Symbol:
            return (a.name > b.name) - (a.name < b.name)
        if self.is_list(a) and self.is_list(b):
            return None
        raise KlongError(f"cannot compare {type_name(a)} with {type_name(b)}")

    # ======================================================================
    # atomic extension
    # ======================================================================
    def align(self, op: str, a: Any, b: Any) -> tuple[Any, Any]:
        """Pair arrays of different rank the Klong way: leading axes match.
        An integer array meeting a real number becomes real first, at the
        backend's precision (some libraries would pick their default float),
        unless the backend's own mixing gives that precision."""
        AT = self.AT
        if op not in OWN_KINDS and not self.B.mixes_reals:
            if type(b) is float and isinstance(a, AT) and self.B.kind(a) == "i":
                a = self.B.to_float(a)
            elif type(a) is float and isinstance(b, AT) and self.B.kind(b) == "i":
                b = self.B.to_float(b)
        sa = a.shape if isinstance(a, self.AT) else ()
        sb = b.shape if isinstance(b, self.AT) else ()
        if sa == sb or not sa or not sb:
            return a, b
        n = min(len(sa), len(sb))
        if sa[:n] != sb[:n]:
            raise err(op, "length error: lists of different lengths")
        if len(sa) < len(sb):
            return self.B.reshape(a, tuple(sa) + (1,) * (len(sb) - len(sa))), b
        return a, self.B.reshape(b, tuple(sb) + (1,) * (len(sa) - len(sb)))

    def atomic2(self, op: str, scal: Callable, arr: Callable, a: Any, b: Any) -> Any:
        """Apply a dyad on numbers to atoms, arrays and nested lists."""
        ta, tb = type(a), type(b)
        if (ta is int or ta is float) and (tb is int or tb is float):
            return scal(a, b)
        AT = self.AT
        aa, ba = isinstance(a, AT), isinstance(b, AT)
        if (aa or ba) and (aa or ta is int or ta is float) and (ba or tb is int or tb is float):
            if (ta is int and not fits64(a)) or (tb is int and not fits64(b)):
                return self.exact(op, scal, a, b)  # no array library holds such an integer
            a, b = self.align(op, a, b)
            r = arr(a, b)
            # numpy answers 0-d operands with its own scalar types: make them Klong numbers
            return r if isinstance(r, AT) or type(r) in (int, float, list) else r.item()
        la, lb = self.is_list(a), self.is_list(b)
        if (la and not len(a)) or (lb and not len(b)):  # [] is no number, nor a list of them
            raise err(op, f"type error: {type_name(a)} and {type_name(b)}")
        if la and lb:
            if len(a) != len(b):
                raise err(op, "length error: lists of different lengths")
            return self.mklist([self.atomic2(op, scal, arr, x, y)
                                for x, y in zip(self.elems(a), self.elems(b))])
        if la:
            return self.mklist([self.atomic2(op, scal, arr, x, b) for x in self.elems(a)])
        if lb:
            return self.mklist([self.atomic2(op, scal, arr, a, y) for y in self.elems(b)])
        if self.is_num(a) and self.is_num(b):
            return arr(a, b) if (aa or ba) else scal(a, b)
        raise err(op, f"type error: {type_name(a)} and {type_name(b)}")

    def atomic1(self, op: str, scal: Callable, arr: Callable | None, a: Any,
                str_atom: bool = False) -> Any:
        t = type(a)
        if t is int or t is float:
            return scal(a)
        if isinstance(a, self.AT):
            if arr is not None:
                return arr(a)
            if a.ndim == 0:
                return scal(a)
            return self.mklist([self.atomic1(op, scal, arr, x) for x in self.elems(a)])
        if t is list or (t is str and not str_atom):
            if not a:  # kg: [] and "" are no lists of numbers
                if str_atom:
                    return scal(a)
                raise err(op, f"type error: {type_name(a)}")
            def nested(x: Any) -> bool:  # a list it maps over, not an operand of its own
                tx = type(x)
                return (tx is list or (tx is str and not str_atom)) and len(x) > 0
            return rebuild(a, self.elems, nested, lambda x: self.atomic1(op, scal, arr, x, str_atom),
                           self.mklist)
        return scal(a)

    # -- exact integer arithmetic on arrays -----------------------------------
    # Integer arrays are int64, but Klong integers never wrap. Before an array
    # operation that could overflow, core needs the operands' extents (min, max).
    # Scanning a large array for them costs as much as the operation, so the
    # extents of large arrays are remembered (keyed by identity, dropped when
    # the array dies) and propagated through + - * without a scan: !n, then
    # 2*1+!n, never scans at all.
    CACHE_MIN = 4096

    def extent(self, x: Any) -> tuple[Any, Any]:
        """(min, max) of integer data: a number or an int array."""
        if not isinstance(x, self.AT):
            return x, x
        if x.ndim == 0:
            v = self.B.scalar(x)
            return v, v
        shape = tuple(x.shape)
        if 0 in shape:
            return 0, 0
        if math.prod(shape) < self.cache_min:
            return self.B.extent(x)
        hit = self._extents.get(id(x))
        if hit is not None and hit[0]() is x:
            return hit[1]
        return self.remember(x, self.B.extent(x))

    def remember(self, x: Any, ext: tuple[Any, Any]) -> tuple[Any, Any]:
        """Record the extent of a large int array (a safe over-estimate is fine)."""
        if x.ndim and math.prod(tuple(x.shape)) >= self.cache_min:
            key = id(x)
            try:
                self._extents[key] = (weakref.ref(x, lambda _r, key=key: self._extents.pop(key, None)), ext)
            except TypeError:  # an array type without weak references: no caching
                pass
        return ext

    def bound(self, x: Any) -> int | float:
        """Largest magnitude in an integer array (or of a number)."""
        lo, hi = self.extent(x)
        return max(abs(lo), abs(hi))

    def reduce(self, op: str, a: Any) -> Any:
        """``op``/ over the first axis of array ``a``. An integer sum whose bound
        (rows times the largest magnitude, from the cached extent) fits int64
        skips the backend's exactness check, a second pass over the data."""
        if (op == "sum" and math.prod(a.shape) >= self.cache_min and self.B.kind(a) == "i"
                and a.shape[0] * self.bound(a) <= I64_MAX):
            return self.B.reduce_in_range(op, a)
        if self._plain_ints(op, a):
            return self._exact_fold(op, a)[-1]
        return self.B.reduce(op, a)

    def scan(self, op: str, a: Any) -> Any:
        """``op``\\ over the first axis of array ``a``."""
        if self._plain_ints(op, a):
            return self.mklist(self._exact_fold(op, a))
        r = self.B.scan(op, a)
        return self.mklist(r) if type(r) is list else r

    def _plain_ints(self, op: str, a: Any) -> bool:
        """Whether the plain evaluator sums or multiplies ``a`` on Python ints
        itself (not trusting the backend's exact reductions, which it checks)."""
        return (not self.fast and op in ("sum", "prod") and a.shape[0] > 0
                and self.B.kind(a) == "i" and not (self.tracing and self.B.traced(a)))

    def _exact_fold(self, op: str, a: Any) -> list:
        """The running sums or products of ``a``'s rows, exactly."""
        f = _add if op == "sum" else self.int_mul
        rows = self.B.tolist(a)
        out = rows[:1]
        for row in rows[1:]:
            out.append(_zip_with(f, out[-1], row))
        return [self.k.from_literal(r) for r in out]

    def is_int_data(self, x: Any) -> bool:
        return type(x) is int or (isinstance(x, self.AT) and self.B.kind(x) == "i")

    def exact(self, op: str, f: Callable, a: Any, b: Any) -> Any:
        """Redo an integer array operation on Python ints (no wrap-around)."""
        al = self.B.tolist(a) if isinstance(a, self.AT) else a
        bl = self.B.tolist(b) if isinstance(b, self.AT) else b
        return self._exact_rec(f, al, bl)

    def _exact_rec(self, f: Callable, a: Any, b: Any) -> Any:
        if type(a) is list:
            if type(b) is list:
                if len(a) != len(b):  # an axis of 1 that ``align`` added broadcasts
                    a, b = (a * len(b), b) if len(a) == 1 else (a, b * len(a))
                return self.mklist([self._exact_rec(f, x, y) for x, y in zip(a, b)])
            return self.mklist([self._exact_rec(f, x, b) for x in a])
        if type(b) is list:
            return self.mklist([self._exact_rec(f, a, y) for y in b])
        return f(a, b)

    # ======================================================================
    # arithmetic
    # ======================================================================
    def plus(self, a: Any, b: Any) -> Any:
        return self.atomic2("+", _add, self._arr_add, a, b)

    def _arr_add(self, a: Any, b: Any) -> Any:
        if self.is_int_data(a) and self.is_int_data(b):
            (la, ha), (lb, hb) = self.extent(a), self.extent(b)
            return self._checked(a, b, la + lb, ha + hb, _add)
        return a + b

    def _checked(self, a: Any, b: Any, lo: int, hi: int, f: Callable) -> Any:
        """``f(a, b)`` on int arrays whose result lies in [lo, hi]: in int64 when
        that range fits, else exactly on Python ints."""
        if lo < I64_MIN or hi > I64_MAX:
            return self.exact("", f, a, b)
        r = f(a, b)
        if isinstance(r, self.AT):
            self.remember(r, (lo, hi))
        return r

    def minus(self, a: Any, b: Any) -> Any:
        return self.atomic2("-", _sub, self._arr_sub, a, b)

    def _arr_sub(self, a: Any, b: Any) -> Any:
        if self.is_int_data(a) and self.is_int_data(b):
            (la, ha), (lb, hb) = self.extent(a), self.extent(b)
            return self._checked(a, b, la - hb, ha - lb, _sub)
        return a - b

    def times(self, a: Any, b: Any) -> Any:
        return self.atomic2("*", self.int_mul, self._arr_mul, a, b)

    def int_mul(self, a: Any, b: Any) -> Any:
        """a*b on Python numbers; a product of big integers is checked before it is computed."""
        if type(a) is int and type(b) is int and a.bit_length() + b.bit_length() > BIG_BITS:
            self._big("*", a.bit_length() + b.bit_length())
        return a * b

    def _big(self, op: str, bits: int) -> None:
        """Before building an integer of ``bits`` bits: refuse it if it cannot fit the
        memory budget or the machine, and count its work (a step per 64-bit word)."""
        self.alloc(op, bits >> 3, 1)
        self.k.guard.charge(bits >> 6)

    def _arr_mul(self, a: Any, b: Any) -> Any:
        if self.is_int_data(a) and self.is_int_data(b):
            (la, ha), (lb, hb) = self.extent(a), self.extent(b)
            corners = (la * lb, la * hb, ha * lb, ha * hb)
            return self._checked(a, b, min(corners), max(corners), self.int_mul)
        return a * b

    def divide(self, a: Any, b: Any) -> Any:
        return self.atomic2("%", _div, self._arr_div, a, b)

    def _arr_div(self, a: Any, b: Any) -> Any:
        if self._has_zero(b):  # x%0 is :undefined, in lists too
            return self.exact("%", _div, a, b)
        return self.B.true_divide(a, b)

    def _has_zero(self, b: Any) -> bool:
        """Whether ``b`` holds a 0; an integer array's extent (remembered for
        large ones, so ``%1+!n`` never scans) answers without a pass when it
        excludes 0."""
        if not isinstance(b, self.AT):
            return b == 0
        if self.B.kind(b) == "i" and b.ndim and b.shape[0]:
            lo, hi = self.extent(b)
            if lo > 0 or hi < 0:
                return False
        return self.B.any(b == 0)

    def int_divide(self, a: Any, b: Any) -> Any:
        return self.atomic2(":%", _idiv, self._arr_idiv, a, b)

    def _arr_idiv(self, a: Any, b: Any) -> Any:
        self._need_ints(":%", a, b)
        if self.B.any(b == 0) if isinstance(b, self.AT) else b == 0:
            raise err(":%", "division by zero")
        return self.B.trunc_div(a, b)

    def remainder(self, a: Any, b: Any) -> Any:
        return self.atomic2("!", _rem, self._arr_rem, a, b)

    def _arr_rem(self, a: Any, b: Any) -> Any:
        self._need_ints("!", a, b)
        if self.B.any(b == 0) if isinstance(b, self.AT) else b == 0:
            raise err("!", "division by zero")
        return self.B.fmod(a, b)

    def _need_ints(self, op: str, a: Any, b: Any) -> None:
        if not (self.is_int_data(a) and self.is_int_data(b)):
            raise err(op, "type error: integers expected")

    def power(self, a: Any, b: Any) -> Any:
        for x, y in ((a, b), (b, a)):  # before atomic2 makes integers real: kg's [2]^3.0 is [8]
            if type(x) is float and isinstance(y, self.AT) and self.B.kind(y) == "i":
                return self._arr_pow(a, b)
        return self.atomic2("^", self._pow, self._arr_pow, a, b)

    def _pow(self, a: Any, b: Any) -> Any:
        n = b if type(b) is int else _whole_power(b)
        if type(a) is int and n is not None and abs(a) > 1 and n * (abs(a).bit_length() - 1) > BIG_BITS:
            self._big("^", n * (abs(a).bit_length() - 1))  # the result's bits, at least
        return _pow(a, b)

    def _arr_pow(self, a: Any, b: Any) -> Any:
        B = self.B
        if self.tracing and any(isinstance(x, self.AT) and B.traced(x) for x in (a, b)):
            return self._float(a) ** b  # differentiated: the real power, not kg's exact integers
        if self.is_int_data(a) and self.is_int_data(b):
            if (B.any(b < 0) if isinstance(b, self.AT) else b < 0):
                if isinstance(b, self.AT) and not B.all(b < 0):  # 2^[0 -1] is [1 0.5]
                    return self.exact("^", self._pow, a, b)
                return self._float(a) ** b
            ba, bb = self.bound(a), self.bound(b)
            if ba > 1 and bb * math.log2(ba) >= 62:
                return self.exact("^", self._pow, a, b)
            return a ** b
        if self._real_pow_is_plain(a, b):
            return self._float(a) ** b
        return self.exact("^", self._pow, a, b)

    def _real_pow_is_plain(self, a: Any, b: Any) -> bool:
        """Whether a^b (one of them real) is the plain real power everywhere: kg
        makes an integer of x^0 and of an integer to a whole real power, and
        :undefined of a base that is negative or zero where a root is taken."""
        B = self.B
        def holds(x: Any) -> bool:
            return B.all(x) if isinstance(x, self.AT) else bool(x)
        if self.is_int_data(b):  # a real base: x^0 is 1, and 0^-n is :undefined
            return holds(b > 0) or (holds(b != 0) and holds(a != 0))
        if not holds(a > 0):
            return False
        if not self.is_int_data(a):
            return True
        if not isinstance(b, self.AT):
            return _whole_power(b) is None
        flat = B.tolist(B.reshape(b, (math.prod(b.shape),)))  # b may be a matrix
        return not B.any(B.floor(b) == b) or all(_whole_power(x) is None for x in flat)

    def _float(self, x: Any) -> Any:
        return self.B.to_float(x) if isinstance(x, self.AT) else float(x)

    def min(self, a: Any, b: Any) -> Any:
        return self.atomic2("&", _min, lambda x, y: self._pick(_min, self.B.minimum, x, y), a, b)

    def max(self, a: Any, b: Any) -> Any:
        return self.atomic2("|", _max, lambda x, y: self._pick(_max, self.B.maximum, x, y), a, b)

    def _pick(self, f: Callable, arr: Callable, a: Any, b: Any) -> Any:
        """min/max on arrays: an integer and a real give the chosen one, keeping
        its type ([1 2]&1.5 is [1 1.5]), as kg does."""
        kinds = {self.B.kind(x) if isinstance(x, self.AT) else ("f" if type(x) is float else "i") for x in (a, b)}
        return self.exact("", f, a, b) if len(kinds) > 1 else arr(a, b)

    def negate(self, a: Any) -> Any:
        return self.atomic1("-", self._neg, self._arr_neg, a)

    def _neg(self, a: Any) -> Any:
        if not self.is_num(a):
            raise err("-", f"type error: {type_name(a)}")
        return -a

    def _arr_neg(self, a: Any) -> Any:
        if self.B.kind(a) == "i" and a.ndim and a.shape[0] and self.bound(a) > I64_MAX:
            return self.mklist([-v for v in self.B.tolist(a)])
        return -a

    def reciprocal(self, a: Any) -> Any:
        return self.divide(1, a)

    def floor(self, a: Any) -> Any:
        return self.atomic1("_", self._floor, self._arr_floor, a)

    def _floor(self, a: Any) -> Any:
        t = type(a)
        if t is int:
            return a
        if t is float:
            if math.isnan(a) or math.isinf(a):
                return a
            return int(math.floor(a)) if abs(a) < 1e16 else float(math.floor(a))
        if isinstance(a, self.AT):
            return self._arr_floor(a)
        raise err("_", f"type error: {type_name(a)}")

    def _arr_floor(self, a: Any) -> Any:
        """Integers where every floor is below 1e16 in magnitude (nan and inf
        are not), else reals; decided on the backend, since ``a`` may carry a
        gradient (floor's derivative is zero: the integers carry none)."""
        B = self.B
        if B.kind(a) == "i":
            return a
        f = B.floor(a)
        if a.ndim and f.shape[0] == 0:
            return B.to_int(f)
        if not B.all(abs(f) < 1e16):
            return self.num(f)
        return self.num(B.to_int(f))

    def char(self, a: Any) -> Any:
        def one(v: Any) -> Char:
            v = self.num(v)
            if type(v) is not int:
                raise err(":#", f"type error: {type_name(v)}")
            if not 0 <= v < 0x110000:
                raise err(":#", f"no character with code {v}")
            return Char(chr(v))
        return self.atomic1(":#", one, None, a)

    def knot(self, a: Any) -> Any:
        return self.atomic1("~", lambda v: 0 if self.truth(v) else 1,
                            lambda v: self.B.to_int(v == 0) if v.ndim else (0 if self.truth(v) else 1),
                            a, str_atom=True) if self.is_list(a) else (0 if self.truth(a) else 1)

    # -- comparisons (strings are atoms here) --------------------------------------
    def _cmp_atoms(self, op: str, a: Any, b: Any) -> int:
        a, b = self.num(a), self.num(b)
        ta, tb = type(a), type(b)
        # = < > compare two numbers, characters, strings or symbols (as kg does)
        if not ((ta in NUMT and tb in NUMT) or ta is tb) or ta not in (int, float, Char, str, Symbol):
            raise err(op, f"type error: cannot compare {type_name(a)} and {type_name(b)}")
        if op == "=":
            if ta in NUMT:
                return int(real_eq(a, b)) if (ta is float or tb is float) else int(a == b)
            return int(a == b) if ta is str else int(a is b)
        c = self.compare(a, b)
        return int(c < 0) if op == "<" else int(c > 0)

    def comparison(self, op: str, a: Any, b: Any) -> Any:
        ta, tb = type(a), type(b)
        if ta in NUMT and tb in NUMT:
            if op == "=":
                return int(a == b) if ta is int and tb is int else int(real_eq(a, b))
            return int(a < b) if op == "<" else int(a > b)
        AT = self.AT
        aa, ba = isinstance(a, AT), isinstance(b, AT)
        huge = (ta is int and not fits64(a)) or (tb is int and not fits64(b))  # compared one by one
        if (aa or ba) and (aa or ta in NUMT) and (ba or tb in NUMT) and not huge:
            a, b = self.align(op, a, b)
            B = self.B
            if op == "<":
                r = a < b
            elif op == ">":
                r = a > b
            elif (aa and B.kind(a) == "f") or (ba and B.kind(b) == "f") or ta is float or tb is float:
                r = self._feq(a, b)
            else:
                r = a == b
            return B.to_int(r) if getattr(r, "ndim", 0) else int(bool(r))
        la, lb = ta is list or (aa and a.ndim > 0), tb is list or (ba and b.ndim > 0)
        if (la and not len(a)) or (lb and not len(b)):
            raise err(op, "type error: the empty list is not comparable")
        if la and lb:
            if len(a) != len(b):
                raise err(op, "length error: lists of different lengths")
            return self.mklist([self.comparison(op, x, y) for x, y in zip(self.elems(a), self.elems(b))])
        if la:
            return self.mklist([self.comparison(op, x, b) for x in self.elems(a)])
        if lb:
            return self.mklist([self.comparison(op, a, y) for y in self.elems(b)])
        return self._cmp_atoms(op, a, b)

    def less(self, a: Any, b: Any) -> Any:
        return self.comparison("<", a, b)

    def more(self, a: Any, b: Any) -> Any:
        return self.comparison(">", a, b)

    def equal(self, a: Any, b: Any) -> Any:
        return self.comparison("=", a, b)

    # ======================================================================
    # structure: monads
    # ======================================================================
    def atom(self, a: Any) -> int:
        return 1 if self.is_atom(a) else 0

    def size(self, a: Any) -> Any:
        t = type(a)
        if t is list or t is str or t is KDict:
            return len(a)
        if t is int or t is float:
            return abs(a)
        if t is Char:
            return ord(a.c)
        if isinstance(a, self.AT):
            return a.shape[0] if a.ndim else abs(a)
        raise err("#", f"type error: {type_name(a)}")

    def reverse(self, a: Any) -> Any:
        t = type(a)
        if t is str:
            return a[::-1]
        if t is list:
            return a[::-1]
        if isinstance(a, self.AT) and a.ndim:
            return self.B.flip(a)
        return a

    def first(self, a: Any) -> Any:
        t = type(a)
        if t is str:
            return Char(a[0]) if a else ""
        if t is list:
            return a[0] if a else []
        if isinstance(a, self.AT) and a.ndim:
            if a.shape[0] == 0:
                return []
            return self.B.scalar(a[0]) if a.ndim == 1 else a[0]
        return a

    def enumerate(self, a: Any) -> Any:
        n = self.int_arg("!", a)
        if n < 0:
            raise err("!", "domain error: negative count")
        if n > MAX_LIST:
            raise err("!", f"limit error: {int_text(n)} elements will not fit in memory")
        if not n:
            return []
        if self.B.resident:  # a lazy, chunked range costs nothing until it is computed
            self.alloc("!", n)
        r = self.B.arange(n)
        self.remember(r, (0, n - 1))
        return r

    def enlist(self, a: Any) -> Any:
        return a.c if type(a) is Char else self.mklist([a])

    def shape(self, a: Any) -> Any:
        s = None if type(a) is str and not a else self._shape(a)  # kg: ^"" is 0
        return 0 if s is None else self.mklist(s)

    def _shape(self, a: Any) -> list | None:
        """The shape of a list: its length, then the longest common prefix of
        its elements' shapes (kg's rule: ``^[[[1] [2]] [[3] [4 5]]]`` is
        ``[2 2]``). Computed bottom-up with an explicit stack (nesting of any
        depth, in linear time); each shape is built reversed, so a parent
        extends its first element's shape in place."""
        todo: list = [(a, False)]
        done: list = []  # shapes of finished values, reversed, or None for atoms
        while todo:
            v, children_done = todo.pop()
            if type(v) is list and v:
                if not children_done:
                    todo.append((v, True))
                    todo += [(e, False) for e in v]
                    continue
                n = len(v)
                subs = done[-n:]
                del done[-n:]
                s0 = _common_prefix(subs)
                s0.append(n)
                done.append(s0)
            elif type(v) is str:
                done.append([len(v)])
            elif isinstance(v, self.AT):
                done.append(list(v.shape)[::-1] if v.ndim and v.shape[0] else None)
            else:  # kg: [] has the shape of an atom
                done.append(None)
        s = done[0]
        return None if s is None else s[::-1]

    def transpose(self, a: Any) -> Any:
        """Rows become columns; strings and [] count as atoms, and an atom
        stands for a row of copies of itself (as in kg)."""
        if isinstance(a, self.AT) and a.ndim:
            return self.B.transpose(a) if a.ndim >= 2 else a
        if type(a) is not list:
            raise err("+", f"type error: {type_name(a)}")
        rows = [self.elems(r) if self.is_list(r) and len(r) else None for r in a]
        lengths = {len(r) for r in rows if r is not None}
        if not lengths:
            return a
        if len(lengths) != 1:
            raise err("+", "shape error: not a matrix")
        return self.mklist([self.mklist([r[j] if r is not None else x for r, x in zip(rows, a)])
                            for j in range(lengths.pop())])

    def where(self, a: Any) -> Any:
        B = self.B
        if isinstance(a, self.AT) and a.ndim == 1:
            if B.kind(a) != "i":
                raise err("&", "type error: integers expected")
            if a.shape[0] == 0:
                return []
            if B.any(a < 0):
                raise err("&", "domain error: negative count")
            self.alloc("&", self.int_arg("&", B.reduce("sum", a)))
            r = B.repeat(B.arange(a.shape[0]), a)
            return r if r.shape[0] else []
        if self.is_list(a):
            counts = self.int_list("&", a)
            self.alloc("&", sum(c for c in counts if c > 0))
            out = [i for i, c in enumerate(counts) for _ in range(c)]
            return self.mklist(out)
        if type(a) is list:
            return []
        n = self.int_arg("&", a)
        if n < 0:
            raise err("&", "domain error: negative count")
        self.alloc("&", n)
        return self.mklist([0] * n)

    def grade_up(self, a: Any) -> Any:
        return self._grade(a, False)

    def grade_down(self, a: Any) -> Any:
        return self._grade(a, True)

    def _grade(self, a: Any, desc: bool) -> Any:
        op = ">" if desc else "<"
        if isinstance(a, self.AT) and a.ndim == 1:
            return grade.grade_array(self.B, a, desc) if a.shape[0] else []
        if type(a) is str:
            return grade.grade_ranks(self.B, [ord(c) for c in a], desc) if a else []
        if not self.is_list(a):
            raise err(op, f"type error: {type_name(a)} is not a list")
        try:
            rank = self._ranks(self.elems(a))
        except KlongError as e:
            raise err(op, e.message) from None
        return grade.grade_ranks(self.B, rank, desc) if rank else []

    def _ranks(self, items: list) -> list[int]:
        """Dense ranks of ``items`` under Klong's ordering (equal items, equal
        ranks), for kg's tie order."""
        cmp = self.compare
        order = sorted(range(len(items)), key=cmp_to_key(lambda i, j: cmp(items[i], items[j])))
        rank, r = [0] * len(items), 0
        for p, q in zip(order, order[1:]):
            r += cmp(items[p], items[q]) != 0
            rank[q] = r
        return rank

    def group(self, a: Any) -> Any:
        if not self.is_list(a) and type(a) is not str:
            raise err("=", f"type error: {type_name(a)} is not a list")
        if isinstance(a, self.AT) and a.ndim == 1:
            return self.mklist([self.mklist(g) for g in self._runs(a)])
        groups: dict = {}
        for i, v in enumerate(self.elems(a)):
            groups.setdefault(self.hkey(v), []).append(i)
        return self.mklist([self.mklist(g) for g in groups.values()])

    def _runs(self, a: Any) -> list[list[int]]:
        """The indices of each distinct value of vector ``a``, ascending, the
        groups in the order of their first index. Computed on the backend (a
        stable sort, then neighbours compared), so the values, which may carry
        a gradient, never come to Python; only indices do."""
        B, n = self.B, a.shape[0]
        if n == 0:
            return []
        order = B.argsort(a)
        s = a[order]
        starts = [0] + [i + 1 for i in B.tolist(B.nonzero(B.to_int(s[1:] != s[:-1])))] + [n]
        order = B.tolist(order)
        runs = [order[i:j] for i, j in zip(starts, starts[1:])]
        return sorted(runs, key=lambda r: r[0])

    def range(self, a: Any) -> Any:
        if type(a) is str:
            return "".join(dict.fromkeys(a))
        if not self.is_list(a):
            raise err("?", f"type error: {type_name(a)}")
        if isinstance(a, self.AT) and a.ndim == 1:  # index it: it may carry a gradient
            return a[self.B.asarray([r[0] for r in self._runs(a)], "i")]
        items = self.elems(a)
        seen: dict = {}
        for i, v in enumerate(items):
            seen.setdefault(self.hkey(v), i)
        if isinstance(a, self.AT):
            return a[self.B.asarray(list(seen.values()), "i")]
        return self.mklist([items[i] for i in seen.values()])

    def format(self, a: Any) -> Any:
        show = self.k.show
        def one(v: Any) -> Any:
            if type(v) is str:
                return v
            if type(v) is Char:
                return v.c
            if type(v) is list or isinstance(v, (KDict, KFunction)):  # as kg: nothing to format
                return UNDEFINED
            return show(v)
        return self.atomic1("$", one, None, a, str_atom=True)

    def undefined(self, a: Any) -> int:
        return 1 if a is UNDEFINED else 0

    # ======================================================================
    # structure: dyads
    # ======================================================================
    def join(self, a: Any, b: Any) -> Any:
        ta, tb = type(a), type(b)
        if ta is str:
            if tb is str:
                self.alloc(",", len(a) + len(b), 1)
                return a + b
            if tb is Char:
                return a + b.c
        elif ta is Char:
            if tb is str:
                return a.c + b
            if tb is Char:
                return a.c + b.c
        if ta is KDict and self._is_tuple(b):
            return self._dict_put(a, b)
        if tb is KDict and self._is_tuple(a):
            return self._dict_put(b, a)
        AT = self.AT
        aa, ba = isinstance(a, AT) and a.ndim > 0, isinstance(b, AT) and b.ndim > 0
        B = self.B
        self.alloc(",", self._count(a) + self._count(b))
        if aa and ba and a.shape[1:] == b.shape[1:] and B.kind(a) == B.kind(b):
            return B.concat([a, b])
        la, lb = ta is list or aa, tb is list or ba
        if la and lb:
            return self.mklist(self.elems(a) + self.elems(b))
        if aa and self._same_kind_num(a, b) and a.ndim == 1:
            return B.concat([a, B.asarray([b], B.kind(a))])
        if ba and self._same_kind_num(b, a) and b.ndim == 1:
            return B.concat([B.asarray([a], B.kind(b)), b])
        if la:
            return self.mklist(self.elems(a) + [b])
        if lb:
            return self.mklist([a] + self.elems(b))
        return self.mklist([a, b])

    def _count(self, x: Any) -> int:
        """How many items (array elements at every depth, else list slots) x holds."""
        if isinstance(x, self.AT):
            return math.prod(tuple(x.shape))
        return len(x) if type(x) is list or type(x) is str else 1

    def _same_kind_num(self, arr: Any, v: Any) -> bool:
        t = type(v)
        k = self.B.kind(arr)
        return (t is int and k == "i" and fits64(v)) or (t is float and k == "f")

    def _is_tuple(self, x: Any) -> bool:
        return self.is_list(x) and len(x) == 2

    def _dict_put(self, d: KDict, t: Any) -> KDict:
        k, v = self.elems(t)
        d.d[self.hkey(k)] = (k, v)
        return d

    def take(self, a: Any, b: Any) -> Any:
        n = self.int_arg("#", a)
        if type(b) is KDict:
            raise err("#", "type error: cannot take from a dictionary")
        if type(b) is str:
            if not b:
                return ""
            self.alloc("#", 2 * abs(n), 1)
            start, reps = self._tiling(n, len(b))
            return (b * reps)[start:start + abs(n)]
        if not self.is_list(b) and type(b) is not list:  # the spec: a list or a string
            raise err("#", f"type error: cannot take from {type_name(b)}")
        L = len(b)
        if L == 0 or n == 0:
            return []
        if isinstance(b, self.AT):
            if 0 <= n <= L:
                return b[:n]
            if -L <= n < 0:
                return b[L + n:]
            B = self.B
            if L == 1 and b.ndim == 1:  # n#[x]: no index vector as large as the result
                self.alloc("#", abs(n))
                return B.repeat(b, B.asarray([abs(n)], "i"))
            self.alloc("#", abs(n) * (1 + self._count(b) // L))  # the indices, then the result
            idx = B.arange(abs(n)) % L if n > 0 else (B.arange(abs(n)) - abs(n)) % L
            return b[idx]
        self.alloc("#", abs(n))
        start, reps = self._tiling(n, L)
        return self.mklist((b * reps)[start:start + abs(n)])

    @staticmethod
    def _tiling(n: int, L: int) -> tuple[int, int]:
        """n#x of a list of length L as a slice of x repeated: (start, repetitions).
        A negative n takes from the end: the slice ends where a copy of x ends."""
        start = 0 if n >= 0 else n % L
        return start, -(-(start + abs(n)) // L)

    def drop(self, a: Any, b: Any) -> Any:
        if type(b) is KDict:
            if type(a) is not KDict:  # as kg: a dictionary is no key, so none to remove
                b.d.pop(self.hkey(a), None)
            return b
        n = self.int_arg("_", a)
        if not self.is_list(b) and type(b) is not str:
            if type(b) is list:  # []
                return b
            raise err("_", f"type error: cannot drop from {type_name(b)}")
        r = b[n:] if n >= 0 else b[:len(b) + n] if -n < len(b) else b[:0]
        if type(b) is str:
            return r
        if isinstance(r, self.AT) and r.shape[0] == 0:
            return []
        return r

    def find(self, a: Any, b: Any) -> Any:
        ta = type(a)
        if ta is KDict:
            hit = a.d.get(self.hkey(b))
            return UNDEFINED if hit is None else hit[1]
        if ta is str:
            if type(b) is str:
                if b == "":
                    return self.B.arange(len(a) + 1)
                return self.mklist([i for i in range(len(a) - len(b) + 1) if a.startswith(b, i)])
            if type(b) is Char:
                return self.mklist([i for i, c in enumerate(a) if c == b.c])
            raise err("?", f"type error: a string holds only characters, not {type_name(b)}")
        if isinstance(a, self.AT) and a.ndim == 1 and self.is_num(b) and not isinstance(b, self.AT):
            if type(b) is int and not fits64(b) and self.B.kind(a) == "i":
                return []  # no int64 equals it (torch refuses to compare with it)
            if type(b) is float or self.B.kind(a) == "f":
                if type(b) is int:  # a real array: compare with the real (torch takes no big int)
                    try:
                        b = float(b)
                    except OverflowError:
                        return []  # beyond every real
                hits = self._feq(a, b)
            else:
                hits = a == b
            r = self.B.nonzero(hits)
            return r if r.shape[0] else []
        if not self.is_list(a):
            raise err("?", f"type error: cannot search in {type_name(a)}")
        return self.mklist([i for i, v in enumerate(self.elems(a)) if self._match(v, b)])

    def index(self, a: Any, b: Any) -> Any:
        if isinstance(a, KFunction):
            args = self.elems(b) if self.is_list(b) else ([] if type(b) is list else [b])
            return self.k.apply(a, args)
        if type(a) is str:
            if self.is_list(b):
                return self.like(a, [self.index(a, i) for i in self.elems(b)])
            i = self._index_int(b, len(a))
            return Char(a[i])
        if not self.is_list(a):
            if self.is_list(b) or type(b) is list:
                raise err("@", "type error: cannot index an atom")
            raise err("@", f"type error: cannot index {type_name(a)}")
        if isinstance(a, self.AT):
            B = self.B
            if isinstance(b, self.AT) and b.ndim >= 1:
                if B.kind(b) != "i":
                    raise err("@", "type error: indices must be integers")
                if b.shape[0] == 0:
                    return []
                if B.any(b < 0) or B.any(b >= a.shape[0]):
                    raise err("@", "range error: index out of bounds")
                return a[b]
            if not self.is_list(b) and type(b) is not list:
                i = self._index_int(b, a.shape[0])
                return B.scalar(a[i]) if a.ndim == 1 else a[i]
        if self.is_list(b):
            return self.mklist([self.index(a, i) for i in self.elems(b)])
        if type(b) is list:
            return []
        return a[self._index_int(b, len(a))]

    def _index_int(self, b: Any, n: int) -> int:
        i = self.num(b)
        if type(i) is not int:
            raise err("@", f"type error: index must be an integer, got {type_name(i)}")
        if not 0 <= i < n:
            raise err("@", f"range error: index {int_text(i)} out of bounds (length {n})")
        return i

    def index_depth(self, a: Any, b: Any) -> Any:
        """a:@b: one integer index per level of a, outermost first (kg: no index
        at all, a list of indices at one level, or a dictionary is an error)."""
        if isinstance(a, KFunction):
            return self.index(a, b)
        path = self.elems(b) if self.is_list(b) else [b]
        if not path:
            raise err(":@", "index error: no index")
        for i in path:
            i = self.num(i)
            if type(i) is not int:
                raise err(":@", f"type error: an index must be an integer, not {type_name(i)}")
            if type(a) is not str and not self.is_list(a):
                raise err(":@", f"type error: cannot index {type_name(a)} in depth")
            if not 0 <= i < len(a):
                self._range(":@", i, len(a))
            a = self.index(a, i)
        return a

    def amend(self, a: Any, b: Any) -> Any:
        if not self.is_list(b):  # as kg: a string is no [value index ...]
            raise err(":=", "type error: right operand must be a list [value index ...]")
        if not self.is_list(a) and type(a) is not str:
            raise err(":=", f"type error: cannot amend {type_name(a)}")
        items = self.elems(b)
        if len(items) < 2:  # no index: x:=[] and x:=[v] are x, whatever v is (kg)
            return a
        v, idx = items[0], [self.int_arg(":=", i) for i in items[1:]]
        if type(a) is str:
            return self._amend_str(a, v, idx)
        n = len(a)
        for i in idx:
            if not 0 <= i < n:
                raise err(":=", f"range error: index {i} out of bounds (length {n})")
        # in place of a copy when the new element has the array's own type; an
        # integer put into a list of reals keeps being an integer (a mixed list)
        if isinstance(a, self.AT) and a.ndim == 1 and self._same_kind_num(a, self.num(v)):
            return self.B.update(a, self.B.asarray(sorted(set(idx)), "i"), v)
        out = list(self.elems(a))
        for i in idx:
            out[i] = v
        return self.mklist(out)

    def _amend_str(self, a: str, v: Any, idx: list[int]) -> str:
        if type(v) is Char:
            v, last = v.c, len(a) - 1  # a character replaces one: a string never grows
        elif type(v) is str:
            last = len(a)  # a substring may start at #a: it appends
        else:
            raise err(":=", "type error: a string is amended with characters or strings")
        s = list(a)
        for i in idx:
            if not 0 <= i <= last:
                raise err(":=", f"range error: index {i} out of bounds (length {len(a)})")
            if i + len(v) > len(s):
                s.extend([" "] * (i + len(v) - len(s)))
            s[i:i + len(v)] = list(v)
        return "".join(s)

    def amend_depth(self, a: Any, b: Any) -> Any:
        items = self.elems(b) if self.is_list(b) else None
        if not items:
            raise err(":-", "type error: right operand must be a list [value index ...]")
        v, path = items[0], items[1:]
        return self._amend_path(a, v, path)

    def _amend_path(self, a: Any, v: Any, path: list) -> Any:
        if not path:
            return v
        i = self.int_arg(":-", path[0])
        if type(a) is str:
            if len(path) != 1:
                raise err(":-", "rank error: too many indices")
            return self._amend_str(a, v, [i]) if 0 <= i < len(a) else self._range(":-", i, len(a))
        if not self.is_list(a):
            raise err(":-", "rank error: too many indices")
        if not 0 <= i < len(a):
            self._range(":-", i, len(a))
        out = list(self.elems(a))
        out[i] = self._amend_path(out[i], v, path[1:])
        return self.mklist(out)

    @staticmethod
    def _range(op: str, i: int, n: int) -> Any:
        raise err(op, f"range error: index {i} out of bounds (length {n})")

    def cut(self, a: Any, b: Any) -> Any:
        cuts = self.int_list(":_", a)
        if not self.is_list(b) and type(b) not in (str, list):
            raise err(":_", f"type error: cannot cut {type_name(b)}")
        n = len(b)
        bounds = [0] + cuts + [n]
        for x, y in zip(bounds, bounds[1:]):
            if y < x or y > n:
                raise err(":_", "domain error: cut positions must increase within the list")
        parts = [b[x:y] for x, y in zip(bounds, bounds[1:])]
        if not n and cuts:  # as kg: an empty b has one empty part per cut, not one more
            parts = parts[1:]
        if type(b) is not str:
            parts = [p if (type(p) is list or p.shape[0]) else [] for p in parts]
        return self.mklist(parts)

    def split(self, a: Any, b: Any) -> Any:
        # kg checks a size when it cuts with it: [3 -1]:#[1 2 3] and [0]:#[] are fine
        sizes = self.elems(a) if type(a) is list or self.is_list(a) else [self.int_arg(":#", a)]
        if not sizes:
            raise err(":#", "domain error: no sizes to split by")
        if not self.is_list(b) and type(b) not in (str, list):
            raise err(":#", f"type error: cannot split {type_name(b)}")
        parts, i, k, n = [], 0, 0, len(b)
        while i < n:
            s = self.int_arg(":#", sizes[k % len(sizes)])
            if not 0 < s <= I64_MAX:
                raise err(":#", f"range error: a size must be positive, not {int_text(s)}")
            parts.append(b[i:i + s])
            i += s
            k += 1
        return self.mklist(parts)

    def reshape(self, a: Any, b: Any) -> Any:
        if type(self.num(a)) is int and a == 0:  # 0:^x leaves x as it is
            return b
        shape = self.int_list(":^", a)
        if not shape:
            raise err(":^", "domain error: the shape is empty")
        src = self._reshape_source(b)
        n = len(src)
        if n == 0:
            raise err(":^", "domain error: nothing to reshape")
        if -1 in shape:  # -1 stands for half the items of the source
            if self.is_atom(b):
                raise err(":^", "domain error: -1 needs a list to take half of")
            shape = [n // 2 if s == -1 else s for s in shape]
        if any(s <= 0 for s in shape):
            raise err(":^", "range error: each dimension must be positive (or -1 for half the source)")
        total = math.prod(shape)
        self.alloc(":^", total * (self._count(src) // n))
        if isinstance(src, self.AT) and len(shape) + src.ndim - 1 <= MAX_RANK:
            flat = src if total == n else src[self.B.arange(total) % n]
            return self.B.reshape(flat, tuple(shape) + tuple(src.shape[1:]))
        items = self.elems(src)
        return self._nest([items[i % n] for i in range(total)], shape)

    def _reshape_source(self, b: Any) -> Any:
        """What :^ cycles through: the characters of a string or of a list of
        strings run together; the items of any other list; an atom (the empty
        list included) alone."""
        if type(b) is list and b and all(type(v) is str for v in b):
            return "".join(b)
        return b if type(b) is str or not self.is_atom(b) else [b]

    def _nest(self, flat: list, shape: list[int]) -> Any:
        """``flat`` in rows of ``shape``; a row of characters is a string."""
        if len(shape) == 1:
            if all(type(v) is Char for v in flat):
                return "".join(v.c for v in flat)
            return self.mklist(flat)
        step = len(flat) // shape[0]
        return self.mklist([self._nest(flat[i * step:(i + 1) * step], shape[1:])
                            for i in range(shape[0])])

    def rotate(self, a: Any, b: Any) -> Any:
        # as kg: an atom (dictionaries included) or the empty list is left as it is,
        # whatever a is; a string or a non-empty list needs an integer a
        if type(b) is not str and (not self.is_list(b) or len(b) == 0):
            return b
        k = self.int_arg(":+", a)
        if type(b) is str:
            if not b:
                return b
            k %= len(b)
            return b[-k:] + b[:-k] if k else b
        k %= len(b)
        if k == 0:
            return b
        if isinstance(b, self.AT):
            return self.B.roll(b, k)
        return b[-k:] + b[:-k]

    def format2(self, a: Any, b: Any) -> Any:
        """a$b: atomic on both sides, as kg: a list of widths formats b once per
        width, or pairs with a list b; strings are atoms on the right."""
        a = self.num(a)
        if not self.is_list(a):
            if type(a) not in NUMT:
                raise err("$", f"type error: the width must be a number, got {type_name(a)}")
            return self.atomic1("$", lambda v: self._padded(a, self.num(v)), None, b, str_atom=True)
        if not len(a):
            raise err("$", "type error: the width must be a number, got []")
        if not self.is_list(b):
            return self.mklist([self.format2(w, b) for w in self.elems(a)])
        if len(a) != len(b):
            raise err("$", "length error: lists of different lengths")
        return self.mklist([self.format2(w, v) for w, v in zip(self.elems(a), self.elems(b))])

    def _padded(self, a: int | float, v: Any) -> str:
        """The text of v in width a (a >= 0: padded on the right, else on the left)."""
        s = v if type(v) is str else (v.c if type(v) is Char else self.k.show(v))
        if type(a) is float:
            # kg: a real n.m pads on the right to n whatever its sign; m counts the
            # digits after the point as a number (2.03 and 2.3 both mean 3)
            whole, _, frac = _real_text(a).partition(".")
            n, m = abs(int(whole)), int(frac or 0)
            self.alloc("$", n + m, 1)
            return _fixed(v, s, n, m) if m and type(v) is float else s.ljust(n)
        if not fits64(a):  # kg: a width beyond machine integers is no width
            return s
        self.alloc("$", abs(a), 1)
        return s.ljust(a) if a >= 0 else s.rjust(-a)

    def form(self, a: Any, b: Any) -> Any:
        """a:$b, atomic on both sides, where strings are atoms of b and the empty
        list is an atom of a."""
        la = type(a) is not str and not self.is_atom(a)
        lb = type(b) is not str and not self.is_atom(b)
        if la and lb and len(a) != len(b):
            raise err(":$", "length error: lists of different lengths")
        if la or lb:
            xs = self.elems(a) if la else [a] * len(b)
            ys = self.elems(b) if lb else [b] * len(a)
            return self.mklist([self.form(x, y) for x, y in zip(xs, ys)])
        if type(b) is not str:
            raise err(":$", f"type error: {type_name(b)} is not a string")
        a = self.num(a)
        if type(a) is Char:
            return Char(b) if len(b) == 1 else UNDEFINED
        if type(a) is Symbol:
            return Symbol(b.removeprefix(":")) if _FORM_SYMBOL.fullmatch(b) else UNDEFINED
        read = _FORM_NUMBER.get(type(a))
        if read is None:  # a string, the empty list, a dictionary...: b as it is
            return b
        pattern, convert = read
        return convert(b) if pattern.fullmatch(b) else UNDEFINED


_FORM_SYMBOL = re.compile(r":?[A-Za-z][A-Za-z0-9.]*")
#: what :$ reads for an integer or a real target: (the text it accepts, its value)
_FORM_NUMBER: dict[type, tuple[re.Pattern, Callable[[str], Any]]] = {
    int: (re.compile(r"[+-]?[0-9]+"), text_int),
    float: (re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"), float),
}


# -- scalar kernels (Python numbers) ---------------------------------------------

def _zip_with(f: Callable, a: Any, b: Any) -> Any:
    """``f`` of equally shaped nested lists, element by element."""
    if type(a) is list:
        return [_zip_with(f, x, y) for x, y in zip(a, b)]
    return f(a, b)


def _add(a: Any, b: Any) -> Any:
    return a + b


def _sub(a: Any, b: Any) -> Any:
    return a - b


def _div(a: Any, b: Any) -> Any:
    if b == 0:
        return UNDEFINED
    try:
        return a / b
    except OverflowError:
        from decimal import Decimal  # rare: start-up does not pay for decimal
        return float(Decimal(a) / Decimal(b))


def _idiv(a: Any, b: Any) -> Any:
    if type(a) is not int or type(b) is not int:
        raise err(":%", "type error: integers expected")
    if b == 0:  # kg: an error, as for lists (only real division % gives :undefined)
        raise err(":%", "division by zero")
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _rem(a: Any, b: Any) -> Any:
    if type(a) is not int or type(b) is not int:
        raise err("!", "type error: integers expected")
    if b == 0:  # kg: an error, as for lists (only real division % gives :undefined)
        raise err("!", "division by zero")
    r = abs(a) % abs(b)
    return r if a >= 0 else -r


def _pow(a: Any, b: Any) -> Any:
    """a^b on Python numbers as kg computes it: an integer exponent multiplies
    (x^0 is the integer 1); a real one multiplies while it halves or steps down
    to 1 exactly (2^3.0 is 8, 2^64.0 an exact integer), else takes roots (a
    negative base has none, and zero's roots are 0)."""
    if type(b) is float:
        n = _whole_power(abs(b))
        if n is None:
            if a < 0 or (a == 0 and b < 0):
                return UNDEFINED
            if a == 0:
                return 0 if b < 1 or type(a) is int else 0.0
            return _real_pow(a, b)
        r = _pow(a, n)
        return r if b > 0 else _pow(r, -1)
    if b == 0:
        return 1
    if type(a) is int:
        if b > 0:
            return a ** b
        if a == 0:
            return UNDEFINED
        return _real_pow(a, b)
    if a == 0 and b < 0:
        return UNDEFINED
    return _real_pow(a, b)


def _real_pow(a: Any, b: Any) -> float:
    try:
        if abs(a) < 2**1000:
            return float(a) ** b
        from decimal import Decimal
        return float(Decimal(a) ** Decimal(b))
    except OverflowError:
        raise err("^", "overflow") from None


def _whole_power(y: float) -> int | None:
    """The integer y when kg reaches a real exponent y by halving it while it is
    10 or more and stepping down by 1 below, without taking a root; else None."""
    if not math.isfinite(y):
        return None
    r = abs(y)
    while r >= 10:
        r /= 2
    return int(y) if r >= 1 and r == int(r) else None


def _min(a: Any, b: Any) -> Any:
    return b if b <= a else a  # as kg: of equals, the right one (0&0.0 is 0.0)


def _max(a: Any, b: Any) -> Any:
    return b if b > a else a


def _fixed(v: float, s: str, n: int, m: int) -> str:
    """Real v (whose text is s) in the form n.m: rounded to m fraction digits,
    the integer part padded with blanks to n places (never cut); as it is when
    its text has an exponent, as kg. (kg leaves a longer fraction uncut: the
    spec's "m fractional digits" is what a report wants.)"""
    if "e" in s:
        return s
    whole, _, frac = f"{v:.{m}f}".partition(".")
    return f"{whole:>{n}}.{frac}"


def _real_text(x: float) -> str:
    s = repr(float(x))
    if "e" not in s:
        return s
    from decimal import Decimal
    return format(Decimal(s), "f")


__all__ = ["Verbs", "err", "type_name", "EOF", "Builtin", "Lambda", "Projection", "VerbFn"]
