"""The ``autograd`` backend: NumPy arrays (int64 and float64, or float32 with
``precision=32``) on the CPU, differentiated exactly by the autograd library.

How it works: outside differentiation every array is a plain
``numpy.ndarray``. While :mod:`klong_autograd.plugin` differentiates, autograd
wraps the values that depend on the point in ``ArrayBox`` objects that record
each operation. Core computes with Python operators, which boxes support, and
with the methods below, which call ``autograd.numpy`` (differentiable
versions of NumPy's functions) so that the record is never broken. Methods
whose result has no derivative (kinds, comparisons, sorting orders, indices)
work on the plain values inside the boxes. Like JAX, it refuses to turn a
traced value into Python numbers (``tolist``): core never asks for that, except
to print one.
"""

from __future__ import annotations

import functools
from typing import Any, Sequence

import autograd.numpy as anp
import numpy as np
from autograd.numpy.numpy_boxes import ArrayBox
from autograd.tracer import getval

from klong.backend import Backend
from klong.errors import KlongError

_MATH = {
    "exp": anp.exp, "log": anp.log, "sqrt": anp.sqrt, "sin": anp.sin, "cos": anp.cos,
    "tan": anp.tan, "asin": anp.arcsin, "acos": anp.arccos, "atan": anp.arctan,
    "sinh": anp.sinh, "cosh": anp.cosh, "tanh": anp.tanh, "abs": anp.abs,
}
_REDUCE = {"sum": anp.sum, "prod": anp.prod, "max": anp.max, "min": anp.min}
_PAIR = {"sum": lambda x, y: x + y, "prod": lambda x, y: x * y,
         "max": anp.maximum, "min": anp.minimum}
_NP_SCAN = {"sum": np.cumsum, "prod": np.cumprod,
            "max": np.maximum.accumulate, "min": np.minimum.accumulate}
_INT64 = (-(2**63), 2**63 - 1)
_SAFE_BITS = 62  # int64 results below 2**62 in magnitude cannot have wrapped


def _plain(a: Any) -> np.ndarray:
    """The NumPy array inside ``a`` (unboxed: no derivative flows through it)."""
    return np.asarray(getval(a))


def _fits_int64(op: str, a: np.ndarray) -> bool:
    """Whether int64 ``op`` ("sum"/"prod") along axis 0, every partial result
    included, certainly stays in range (a cheap, conservative bound)."""
    if a.size == 0:
        return True
    big = max(abs(int(a.max())), abs(int(a.min())))  # Python ints: abs(-2**63) is fine
    n = a.shape[0]
    if op == "sum":
        return big * n < 2**_SAFE_BITS
    return big <= 1 or n * big.bit_length() < _SAFE_BITS  # |product| <= big**n


def _exact(op: str, a: np.ndarray, running: bool) -> Any:
    """Integer sum/product along axis 0 in Python ints (they never overflow);
    back to an int64 array wherever every result fits."""
    def combine(x: Any, y: Any) -> Any:
        if isinstance(x, list):
            return [combine(p, q) for p, q in zip(x, y)]
        return x + y if op == "sum" else x * y

    rows = a.tolist()
    if not running:
        out = functools.reduce(combine, rows)
        return out if isinstance(out, int) else _int_array_or_list(out)
    acc, partial = rows[0], [rows[0]]
    for r in rows[1:]:
        acc = combine(acc, r)
        partial.append(acc)
    return _int_array_or_list(partial)


def _int_array_or_list(xs: list) -> Any:
    flat = np.asarray(xs, dtype=object).ravel()
    if all(_INT64[0] <= v <= _INT64[1] for v in flat):
        return np.asarray(xs, dtype=np.int64)
    return xs


class AutogradBackend(Backend):
    """NumPy on the CPU, traceable by autograd (see the module docstring)."""

    name = "autograd"
    device = "cpu"
    array_type = (np.ndarray, ArrayBox)
    float64 = True

    def __init__(self, device: str | None = None, precision: int | None = None):
        if device not in (None, "cpu"):
            raise ValueError(f"the autograd backend runs on the cpu only, not on {device!r}")
        self.fdtype = np.float32 if precision == 32 else np.float64
        self.float64 = self.fdtype is np.float64

    # -- creation and conversion -------------------------------------------------
    def asarray(self, data: Any, kind: str | None = None) -> Any:
        if isinstance(data, ArrayBox):  # a traced value: keep it traced
            if kind == "i":
                return self.to_int(data)
            return data if kind is None or self.kind(data) == "f" else data * self.fdtype(1)
        if hasattr(data, "detach"):  # another library's tensor (torch and friends)
            data = data.detach().cpu().numpy()
        arr = np.asarray(data)
        if arr.dtype == object:  # a list holding traced values: build it traced
            return self.asarray(anp.array(data), kind)
        if kind == "f" or (kind is None and arr.dtype.kind in "fc"):
            return arr.astype(self.fdtype, copy=False)
        if arr.dtype.kind in "biu" or kind == "i":
            return arr.astype(np.int64, copy=False)
        raise TypeError(f"not a numeric array: dtype {arr.dtype}")

    def arange(self, n: int) -> np.ndarray:
        return np.arange(n, dtype=np.int64)

    def kind(self, a: Any) -> str:
        dtype = a.dtype if type(a) is np.ndarray else _plain(a).dtype
        return "f" if dtype.kind == "f" else "i"

    def to_int(self, a: Any) -> np.ndarray:
        return _plain(a).astype(np.int64)  # truncation has derivative 0: unboxing is exact

    def to_float(self, a: Any) -> Any:
        if isinstance(a, ArrayBox):
            return a if self.kind(a) == "f" else a * self.fdtype(1)
        return np.asarray(a).astype(self.fdtype, copy=False)

    def to_host(self, a: Any) -> np.ndarray:
        return _plain(a)

    def traced(self, a: Any) -> bool:
        return isinstance(a, ArrayBox)

    def tolist(self, a: Any) -> list:
        if isinstance(a, ArrayBox):
            # a refusal meant for the user: a KlongError, shown as it is
            raise KlongError("a value that carries a gradient cannot be shown while "
                            "it is being differentiated")
        return np.asarray(a).tolist()

    def scalar(self, a: Any) -> Any:
        # a traced 0-d value stays a box, or its derivative would be lost
        return a if isinstance(a, ArrayBox) else np.asarray(a).item()

    def elements(self, a: Any) -> list:
        if type(a) is np.ndarray:
            return a.tolist() if a.ndim == 1 else list(a)
        return [a[i] for i in range(a.shape[0])]

    # -- structure ------------------------------------------------------------
    def concat(self, arrays: Sequence[Any]) -> Any:
        return anp.concatenate(list(arrays))

    def stack(self, arrays: Sequence[Any]) -> Any:
        return anp.stack(list(arrays))

    def reshape(self, a: Any, shape: Sequence[int]) -> Any:
        return anp.reshape(a, tuple(shape))

    def flip(self, a: Any) -> Any:
        return a[::-1]

    def roll(self, a: Any, k: int) -> Any:
        return anp.roll(a, k, axis=0)

    def transpose(self, a: Any) -> Any:
        return anp.swapaxes(a, 0, 1)

    def repeat(self, a: Any, counts: Any) -> Any:
        return anp.repeat(a, _plain(counts))

    def nonzero(self, a: Any) -> np.ndarray:
        return np.flatnonzero(_plain(a))

    def argsort(self, a: Any, descending: bool = False) -> np.ndarray:
        a = _plain(a)
        if descending:  # stable descending: sort the reversed vector, map back
            return (len(a) - 1 - np.argsort(a[::-1], kind="stable")[::-1]).astype(np.int64)
        return np.argsort(a, kind="stable")

    def where(self, cond: Any, a: Any, b: Any) -> Any:
        return anp.where(_plain(cond), a, b)

    def copy(self, a: Any) -> Any:
        return a * 1 if isinstance(a, ArrayBox) else np.array(a)

    def update(self, a: Any, index: Any, value: Any) -> Any:
        if not isinstance(a, ArrayBox) and not isinstance(value, ArrayBox):
            r = np.array(a)
            r[index] = value
            return r
        # autograd records no writes: choose, item by item, the new value or the old
        mask = np.zeros(a.shape[0], dtype=bool)
        mask[_plain(index)] = True
        return anp.where(mask.reshape((-1,) + (1,) * (anp.ndim(a) - 1)), value, a)

    # -- arithmetic without a portable operator ---------------------------------
    def floor(self, a: Any) -> Any:
        return np.floor(_plain(a))  # derivative 0 almost everywhere

    def fmod(self, a: Any, b: Any) -> Any:
        if isinstance(a, ArrayBox) or isinstance(b, ArrayBox):
            # a - b*trunc(a/b): differentiable in a and b, exact for reals
            return a - b * np.trunc(_plain(a) / _plain(b))
        return np.fmod(a, b)

    def trunc_div(self, a: Any, b: Any) -> Any:
        a, b = _plain(a), _plain(b)
        q = np.floor_divide(a, b)
        # floor and truncation differ where the signs differ and there is a remainder
        return q + (((a % b) != 0) & ((a < 0) != (b < 0)))

    def minimum(self, a: Any, b: Any) -> Any:
        return anp.minimum(a, b)

    def maximum(self, a: Any, b: Any) -> Any:
        return anp.maximum(a, b)

    def math(self, fn: str, a: Any) -> Any:
        if isinstance(a, ArrayBox):
            return _MATH[fn](self.to_float(a))
        if not isinstance(a, np.ndarray):
            return _MATH[fn](float(a)).item()
        return _MATH[fn](a.astype(self.fdtype, copy=False))

    # -- reductions along the first axis ----------------------------------------
    def reduce(self, op: str, a: Any) -> Any:
        if type(a) is np.ndarray and a.dtype.kind == "i" and op in ("sum", "prod") \
                and not _fits_int64(op, a):
            return _exact(op, a, running=False)
        r = _REDUCE[op](a, axis=0)
        return self.scalar(r) if anp.ndim(r) == 0 else r

    def scan(self, op: str, a: Any) -> Any:
        if type(a) is np.ndarray:
            if a.dtype.kind == "i" and op in ("sum", "prod") and not _fits_int64(op, a):
                return _exact(op, a, running=True)
            return _NP_SCAN[op](a, axis=0)
        # traced: a running combination autograd can follow, one row at a time
        acc, out = a[0], [a[0]]
        for i in range(1, a.shape[0]):
            acc = _PAIR[op](acc, a[i])
            out.append(acc)
        return anp.stack(out)

    def extent(self, a: Any) -> tuple[Any, Any]:
        p = _plain(a)
        return p.min().item(), p.max().item()

    def any(self, a: Any) -> bool:
        return bool(_plain(a).any())

    def all(self, a: Any) -> bool:
        return bool(_plain(a).all())

    # -- misc ------------------------------------------------------------------
    def random(self, n: int | None = None) -> Any:
        if n is None:
            return float(np.random.random())
        return np.random.random(n).astype(self.fdtype, copy=False)
