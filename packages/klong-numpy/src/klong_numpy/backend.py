"""Klong's NumPy backend: arrays are ``numpy.ndarray`` of int64 or float64, on the CPU."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from klong.backend import Backend

_MATH = {
    "exp": np.exp, "log": np.log, "sqrt": np.sqrt, "sin": np.sin, "cos": np.cos,
    "tan": np.tan, "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan,
    "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "abs": np.abs,
}
_REDUCE = {"sum": np.sum, "prod": np.prod, "max": np.max, "min": np.min}
_SCAN = {"sum": np.cumsum, "prod": np.cumprod,
         "max": np.maximum.accumulate, "min": np.minimum.accumulate}


_LIMIT = 2.0**62


def _host(t: Any) -> np.ndarray:
    """Another library's tensor as a numpy array (bfloat16, which numpy lacks, as float32)."""
    t = t.detach().cpu()
    try:
        return t.numpy()
    except TypeError:
        return t.float().numpy()


def _fits(op: str, a: np.ndarray, partial: bool = False) -> bool:
    """Whether an int64 sum/product along axis 0 is exact (every partial one too
    when ``partial``)."""
    if a.size == 0:
        return True
    n = a.shape[0]
    if op == "sum":
        if partial or n > 10**7:
            return max(abs(int(a.max())), abs(int(a.min()))) * n < _LIMIT
        # int64 sums wrap modulo 2**64, so only the final sum must fit; a float64
        # sum finds it to within n*n*eps*2**63, far below the margin kept here
        return float(np.abs(a.sum(axis=0, dtype=np.float64)).max()) < _LIMIT
    # abs in float64: abs(-2**63) wraps around in int64
    logs = np.log2(np.maximum(np.abs(a.astype(np.float64)), 1)).sum(axis=0)
    return bool(np.all(logs < 62))


def _combine(op: str, x: Any, y: Any) -> Any:
    """``x op y`` on Python ints, elementwise through nested lists."""
    if isinstance(x, list):
        return [_combine(op, p, q) for p, q in zip(x, y)]
    return x + y if op == "sum" else x * y


def _exact_reduce(op: str, a: np.ndarray) -> Any:
    rows = a.tolist()
    acc = rows[0]
    for r in rows[1:]:
        acc = _combine(op, acc, r)
    return acc


class NumpyBackend(Backend):
    name = "numpy"
    device = "cpu"
    array_type = np.ndarray
    float64 = True

    def __init__(self, device: str | None = None, precision: int | None = None):
        if device not in (None, "cpu"):
            raise ValueError(f"the numpy backend runs on the cpu only, not on {device!r}")
        self.fdtype = np.float32 if precision == 32 else np.float64
        self.float64 = self.mixes_reals = self.fdtype is np.float64

    def asarray(self, data: Any, kind: str | None = None) -> np.ndarray:
        given = isinstance(data, np.ndarray) or hasattr(data, "detach")
        if not isinstance(data, np.ndarray):
            if hasattr(data, "detach"):  # another library's tensor
                data = _host(data)
            data = np.asarray(data)
        if data.dtype.kind == "c":
            raise TypeError(f"Klong has no complex numbers: dtype {data.dtype}")
        if kind == "f" or (kind is None and data.dtype.kind == "f"):
            # a given float16/float32 array keeps its dtype; lists get the precision's
            if kind is None and given and data.dtype.itemsize <= np.dtype(self.fdtype).itemsize:
                return data
            return data.astype(self.fdtype, copy=False)
        if data.dtype.kind in "biu" or kind == "i":
            return data.astype(np.int64, copy=False)
        raise TypeError(f"not a numeric array: dtype {data.dtype}")

    def arange(self, n: int) -> np.ndarray:
        return np.arange(n, dtype=np.int64)

    def kind(self, a: np.ndarray) -> str:
        return "f" if a.dtype.kind == "f" else "i"

    def to_int(self, a: np.ndarray) -> np.ndarray:
        return a.astype(np.int64)

    def to_float(self, a: np.ndarray) -> np.ndarray:
        return a.astype(self.fdtype, copy=False)

    def to_host(self, a: np.ndarray) -> np.ndarray:
        return a

    def tolist(self, a: np.ndarray) -> list:
        return a.tolist()

    def scalar(self, a: Any) -> Any:
        return a.item()

    def elements(self, a: np.ndarray) -> list:
        return a.tolist() if a.ndim == 1 else list(a)

    def concat(self, arrays: Sequence[np.ndarray]) -> np.ndarray:
        return np.concatenate(arrays)

    def stack(self, arrays: Sequence[np.ndarray]) -> np.ndarray:
        return np.stack(arrays)

    def reshape(self, a: np.ndarray, shape: Sequence[int]) -> np.ndarray:
        return np.reshape(a, tuple(shape))

    def flip(self, a: np.ndarray) -> np.ndarray:
        return a[::-1]

    def roll(self, a: np.ndarray, k: int) -> np.ndarray:
        return np.roll(a, k, axis=0)

    def transpose(self, a: np.ndarray) -> np.ndarray:
        return np.swapaxes(a, 0, 1)

    def repeat(self, a: np.ndarray, counts: np.ndarray) -> np.ndarray:
        return np.repeat(a, counts)

    def nonzero(self, a: np.ndarray) -> np.ndarray:
        return np.flatnonzero(a)

    def argsort(self, a: np.ndarray, descending: bool = False) -> np.ndarray:
        if descending:  # stable descending: sort the reversed vector, map back
            n = len(a)
            return (n - 1 - np.argsort(a[::-1], kind="stable")[::-1]).astype(np.int64)
        return np.argsort(a, kind="stable")

    def where(self, cond: Any, a: Any, b: Any) -> np.ndarray:
        return np.where(cond, a, b)

    def copy(self, a: np.ndarray) -> np.ndarray:
        return a.copy()

    def floor(self, a: Any) -> Any:
        return np.floor(a)

    def fmod(self, a: Any, b: Any) -> Any:
        return np.fmod(a, b)

    def trunc_div(self, a: Any, b: Any) -> Any:
        q = np.floor_divide(a, b)
        # floor and truncation differ where the signs differ and there is a remainder
        fix = ((np.asarray(a) % b) != 0) & ((np.asarray(a) < 0) != (np.asarray(b) < 0))
        return q + fix

    def minimum(self, a: Any, b: Any) -> Any:
        return np.minimum(a, b)

    def maximum(self, a: Any, b: Any) -> Any:
        return np.maximum(a, b)

    def math(self, fn: str, a: Any) -> Any:
        if not isinstance(a, np.ndarray):
            return _MATH[fn](float(a)).item()
        return _MATH[fn](a.astype(self.fdtype, copy=False))

    def reduce(self, op: str, a: np.ndarray) -> Any:
        if a.dtype.kind == "i" and op in ("sum", "prod") and not _fits(op, a):
            return _exact_reduce(op, a)
        r = _REDUCE[op](a, axis=0)
        return r.item() if r.ndim == 0 else r

    def reduce_in_range(self, op: str, a: np.ndarray) -> Any:
        r = _REDUCE[op](a, axis=0)
        return r.item() if r.ndim == 0 else r

    def scan(self, op: str, a: np.ndarray) -> Any:
        if a.dtype.kind == "i" and op in ("sum", "prod") and not _fits(op, a, partial=True):
            out, acc = [], None
            for v in a.tolist():
                acc = v if acc is None else _combine(op, acc, v)
                out.append(acc)
            return out
        return _SCAN[op](a, axis=0)

    def extent(self, a: np.ndarray) -> tuple[Any, Any]:
        return a.min().item(), a.max().item()

    def any(self, a: np.ndarray) -> bool:
        return bool(a.any())

    def all(self, a: np.ndarray) -> bool:
        return bool(a.all())

    def random(self, n: int | None = None) -> Any:
        if n is None:
            return float(np.random.random())
        return np.random.random(n).astype(self.fdtype, copy=False)
