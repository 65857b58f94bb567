"""Klong's Dask backend: int64 and float64 ``dask.array`` arrays, chunked and
lazy, computed by a ``dask.distributed`` cluster.

Arithmetic, comparisons, indexing, reshaping and joining build a task graph
and compute nothing. Values are computed when core needs them as Python
values: to print them, to hand them to Python, for a reduction's result, or
for a decision (an ``extent``, ``any``, ``all``). Operations whose result has
a shape that depends on the data (where ``&``, grade ``<``/``>``, group ``=``,
unique ``?``, ``nonzero``, ``repeat``) compute their operand at once and
return a new array of known shape.

Where it computes: a small graph (up to ``LOCAL_TASKS`` tasks) runs in this
process with Dask's synchronous scheduler, since a round trip to a cluster
would cost more than the work; a larger one runs on the cluster: the
``LocalCluster`` of this process (started then, once), or the scheduler named
by the device. Small arrays that core joins or stacks (rows of a list, say)
are computed at once into one chunk, so that small data keeps small graphs.
``KLONG_DASK_CHUNK`` sets the chunk size in elements (default: Dask's
``auto``, about 128 MiB), ``KLONG_DASK_LOCAL_TASKS`` the largest graph
computed in this process (default 64; 0 sends everything to the cluster).
"""

from __future__ import annotations

import atexit
import math
import os
import threading
from typing import Any, Sequence

import dask
import dask.array as da
import numpy as np
from dask.array.reductions import cumreduction

from klong.backend import Backend
from klong.errors import KlongError

_MATH = {"asin": "arcsin", "acos": "arccos", "atan": "arctan"}
LOCAL_TASKS = 64  # graphs up to this many tasks compute in this process
SMALL_BYTES = 1 << 20  # joins and stacks of arrays this small are computed at once
SETTLE_BYTES = 64 << 20  # a kept array this small is computed once its plan is deep
SETTLE_LAYERS = 16  # how deep: layers of its task graph (one per operation, roughly)

_clients: dict[str, Any] = {}  # scheduler address or "local" -> Client (one per process)
_lock = threading.Lock()


def client_for(device: str) -> Any:
    """The process's ``distributed.Client`` for ``device``, created once:
    ``local`` starts a ``LocalCluster`` of worker processes (one thread each);
    an address connects to that scheduler."""
    with _lock:
        if device not in _clients:
            from distributed import Client, LocalCluster

            if device == "local":
                workers = max(1, min(4, os.cpu_count() or 1))
                try:
                    cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                           processes=True, dashboard_address=None)
                except RuntimeError as exc:
                    raise KlongError(
                        f"dask: the local cluster's workers did not start ({exc}); a Python "
                        "script that uses it keeps its work under if __name__ == '__main__'"
                    ) from exc
                _clients[device] = Client(cluster, set_as_default=False)
            else:
                _clients[device] = Client(device, timeout="10s", set_as_default=False)
        return _clients[device]


@atexit.register
def close_clients() -> None:
    """Close this process's clients (and the ``LocalCluster`` Klong started).
    Call it before closing a cluster of your own that Klong joined, so that
    its client does not try to reconnect to it; a later computation connects
    again. Also run at exit."""
    with _lock:
        clients = list(_clients.values())
        _clients.clear()
    for client in clients:
        cluster = client.cluster
        client.close()
        if cluster is not None:
            cluster.close()


def _chunks() -> Any:
    value = os.environ.get("KLONG_DASK_CHUNK", "").strip()
    return int(value) if value else "auto"


def _local_tasks() -> int:
    value = os.environ.get("KLONG_DASK_LOCAL_TASKS", "").strip()
    return int(value) if value else LOCAL_TASKS


class DaskBackend(Backend):
    """Arrays are ``dask.array.Array`` of int64 or float64 (float32 with
    ``precision=32``); see the module docstring for where they compute."""

    name = "dask"
    array_type = da.Array
    float64 = True
    resident = False  # chunks are computed (and freed) one by one, on the workers

    def __init__(self, device: str | None = None, precision: int | None = None):
        self.device = device or "local"
        self.fdtype = np.float32 if precision == 32 else np.float64
        self.float64 = self.mixes_reals = self.fdtype is np.float64
        self.chunks = _chunks()
        self.local_tasks = _local_tasks()
        if self.device != "local":  # join now: a wrong address is a setup error
            try:
                client_for(self.device)
            except (OSError, TimeoutError) as exc:
                raise RuntimeError(f"cannot reach the Dask scheduler at {self.device}: "
                                   f"{exc}") from exc

    # -- computing ---------------------------------------------------------------
    def compute(self, *arrays: Any) -> tuple:
        """NumPy values of ``arrays``: in this process for a small graph, else
        on the cluster."""
        tasks = sum(len(a.__dask_graph__()) for a in arrays if isinstance(a, da.Array))
        if tasks <= self.local_tasks:
            return dask.compute(*arrays, scheduler="sync")
        try:
            return dask.compute(*arrays, scheduler=client_for(self.device).get)
        except Exception as exc:  # noqa: BLE001 - the cluster's failures, in Klong's words
            failure = _cluster_failure(exc, self.device)
            if failure is None:
                raise
            raise failure from exc

    def _small(self, r: da.Array) -> da.Array:
        """``r`` computed into one chunk when it is small (keeps graphs small)."""
        if r.nbytes <= SMALL_BYTES and r.npartitions > 1:
            return da.from_array(self._np(r), chunks=-1)
        return r

    def _np(self, a: Any) -> np.ndarray:
        return np.asarray(self.compute(a)[0])

    def _lazy(self, a: np.ndarray) -> da.Array:
        return da.from_array(np.asarray(a), chunks=self.chunks)

    def settle(self, a: Any) -> da.Array:
        """A kept array (a variable's value, a loop's) of up to 64 MiB whose
        plan has grown past 16 operations, computed into one chunk: a loop
        then keeps a short plan instead of one as long as the loop, which
        every computation would walk (and a comparison in ``:~`` recompute).
        Larger arrays stay lazy: computing them could take the memory they
        were made lazy for."""
        if a.nbytes <= SETTLE_BYTES and len(a.dask.layers) > SETTLE_LAYERS:
            return da.from_array(self._np(a), chunks=-1)
        return a

    # -- creation and conversion -------------------------------------------------
    def asarray(self, data: Any, kind: str | None = None) -> da.Array:
        given = isinstance(data, (da.Array, np.ndarray)) or hasattr(data, "detach")
        if not isinstance(data, da.Array):
            if hasattr(data, "detach"):  # another library's tensor
                data = data.detach().cpu()
                if str(data.dtype) == "torch.bfloat16":  # numpy has no bfloat16
                    data = data.float()
                data = data.numpy()
            data = np.asarray(data)
            if data.dtype.kind not in "biuf":
                raise TypeError(f"not a numeric array: dtype {data.dtype}")
            data = self._lazy(data)
        if kind == "f" or (kind is None and data.dtype.kind == "f"):
            # a given float16/float32 array keeps its dtype; lists get the precision's
            if kind is None and given and data.dtype.itemsize <= np.dtype(self.fdtype).itemsize:
                return data
            return data if data.dtype == self.fdtype else data.astype(self.fdtype)
        if data.dtype.kind == "f" and kind is None:
            return data
        return data if data.dtype == np.int64 else data.astype(np.int64)

    def arange(self, n: int) -> da.Array:
        return da.arange(n, dtype=np.int64, chunks=self.chunks)

    def kind(self, a: Any) -> str:
        return "f" if a.dtype.kind == "f" else "i"

    def to_int(self, a: Any) -> da.Array:
        return a.astype(np.int64)

    def to_float(self, a: Any) -> da.Array:
        return a.astype(self.fdtype)

    def tolist(self, a: Any) -> list:
        return self._np(a).tolist()

    def to_host(self, a: Any) -> np.ndarray:
        return self._np(a)

    def scalar(self, a: Any) -> Any:
        return self._np(a).item() if isinstance(a, da.Array) else a.item()

    def elements(self, a: Any) -> list:
        return self.tolist(a) if a.ndim == 1 else [a[i] for i in range(a.shape[0])]

    # -- structure ---------------------------------------------------------------
    def concat(self, arrays: Sequence[Any]) -> da.Array:
        return self._small(da.concatenate(list(arrays), axis=0))

    def stack(self, arrays: Sequence[Any]) -> da.Array:
        return self._small(da.stack(list(arrays), axis=0))

    def reshape(self, a: Any, shape: Sequence[int]) -> da.Array:
        return da.reshape(a, tuple(shape))

    def flip(self, a: Any) -> da.Array:
        return a[::-1]

    def roll(self, a: Any, k: int) -> da.Array:
        return da.roll(a, k, axis=0)

    def transpose(self, a: Any) -> da.Array:
        return da.swapaxes(a, 0, 1)

    def repeat(self, a: Any, counts: Any) -> da.Array:  # data-dependent: counts computed
        return a[np.repeat(np.arange(a.shape[0]), self._np(counts))]

    def nonzero(self, a: Any) -> da.Array:  # data-dependent: computed now
        return self._lazy(np.flatnonzero(self._np(a)).astype(np.int64))

    def argsort(self, a: Any, descending: bool = False) -> da.Array:  # computed now
        v = self._np(a)
        if descending:  # stable: sort the reversed vector, map the order back
            order = len(v) - 1 - np.argsort(v[::-1], kind="stable")[::-1]
        else:
            order = np.argsort(v, kind="stable")
        return self._lazy(order.astype(np.int64))

    def where(self, cond: Any, a: Any, b: Any) -> da.Array:
        return da.where(cond, a, b)

    def copy(self, a: Any) -> da.Array:
        return a.copy()

    def update(self, a: Any, index: Any, value: Any) -> da.Array:
        mask = np.zeros(a.shape[0], dtype=bool)
        mask[self._np(index) if isinstance(index, da.Array) else index] = True
        return da.where(mask.reshape((-1,) + (1,) * (a.ndim - 1)), value, a)

    # -- arithmetic without a portable operator ----------------------------------
    def floor(self, a: Any) -> da.Array:
        return da.floor(a)

    def fmod(self, a: Any, b: Any) -> da.Array:
        return da.fmod(a, b)

    def trunc_div(self, a: Any, b: Any) -> da.Array:
        q = a // b  # floor, corrected where the signs differ and there is a remainder
        return q + ((da.fmod(a, b) != 0) & ((a < 0) != (b < 0)))

    def minimum(self, a: Any, b: Any) -> da.Array:
        return da.minimum(a, b)

    def maximum(self, a: Any, b: Any) -> da.Array:
        return da.maximum(a, b)

    def math(self, fn: str, a: Any) -> Any:
        name = _MATH.get(fn, fn)
        if isinstance(a, da.Array):
            return getattr(da, name)(a.astype(self.fdtype))
        with np.errstate(all="ignore"):
            return getattr(np, name)(self.fdtype(a)).item()

    # -- reductions along the first axis -----------------------------------------
    def reduce(self, op: str, a: Any) -> Any:
        if a.dtype.kind == "i" and op == "sum":
            return self._exact_sum(a)
        r = getattr(da, op)(a, axis=0)
        if a.dtype.kind == "i" and op == "prod":
            r, safe = self.compute(r, _product_fits(a))
            if not safe:
                return self._exact_product(a)
            return r.item() if r.ndim == 0 else self._lazy(r)
        return self.scalar(r) if r.ndim == 0 else r

    def reduce_in_range(self, op: str, a: Any) -> Any:
        """An integer sum that core has proven to stay in int64 (from the
        operand's known extent): the plain int64 sum."""
        r = getattr(da, op)(a, axis=0)
        return self.scalar(r) if r.ndim == 0 else r

    def _exact_sum(self, a: Any) -> Any:
        """The exact sum of int64 rows in one pass: each chunk sums the high
        and the low 32 bits of its elements apart (neither int64 sum can wrap
        for fewer than 2**31 rows a chunk), and Python ints join the chunks'
        sums. An int64 result stays an array; a larger one is Python ints."""
        if a.chunksize[0] >= 2**31:
            a = a.rechunk({0: 2**30})
        parts = self._np(a.map_blocks(_halves_sum, chunks=((2,) * a.numblocks[0],) + a.chunks[1:],
                                      dtype=np.int64))
        total = (parts[0::2].astype(object) * 2**32 + parts[1::2].astype(object)).sum(axis=0)
        if a.ndim == 1:
            return int(total)
        if all(-(2**63) <= v < 2**63 for v in total.ravel()):
            return self._lazy(total.astype(np.int64))
        return total.tolist()

    def _exact_product(self, a: Any) -> Any:
        """Python ints, one chunk at a time (no int64 wraps around)."""
        def block(b: np.ndarray) -> np.ndarray:
            rows = b.astype(object)
            acc = rows[0]
            for r in rows[1:]:
                acc = acc * r
            return np.asarray(acc, dtype=object)[None]

        parts = self._np(a.map_blocks(block, chunks=((1,) * a.numblocks[0],) + a.chunks[1:],
                                      dtype=object))
        acc = parts[0]
        for p in parts[1:]:
            acc = acc * p
        return acc.tolist() if isinstance(acc, np.ndarray) else int(acc)

    def scan(self, op: str, a: Any) -> Any:
        if a.dtype.kind == "i" and op in ("sum", "prod") and a.shape[0]:
            lo, hi = self.extent(a)
            big = max(abs(lo), abs(hi), 1)
            if (big * a.shape[0] if op == "sum" else a.shape[0] * math.log2(big + 1)) >= 2**62 \
                    and (op == "sum" or big > 1):
                return self._exact_scan(op, self._np(a))
        if op == "sum":
            return da.cumsum(a, axis=0)
        if op == "prod":
            return da.cumprod(a, axis=0)
        ufunc = np.maximum if op == "max" else np.minimum
        ident = _ident(op, a.dtype)
        return cumreduction(ufunc.accumulate, ufunc, ident, a, axis=0, dtype=a.dtype)

    def _exact_scan(self, op: str, a: np.ndarray) -> Any:
        rows, out = a.tolist(), []
        acc = None
        for r in rows:
            acc = r if acc is None else _combine(op, acc, r)
            out.append(acc)
        flat = np.asarray(out, dtype=object).ravel()
        if all(-(2**63) <= v < 2**63 for v in flat):
            return self._lazy(np.asarray(out, dtype=np.int64))
        return out

    def extent(self, a: Any) -> tuple[Any, Any]:
        lo, hi = self.compute(a.min(), a.max())
        return lo.item(), hi.item()

    def any(self, a: Any) -> bool:
        return bool(self.compute(a.any())[0])

    def all(self, a: Any) -> bool:
        return bool(self.compute(a.all())[0])

    def synchronize(self, value: Any = None) -> None:
        """Compute the lazy arrays of ``value`` (what ``]time`` times): until
        then, a Dask array is only a plan."""
        arrays = _arrays(value)
        if arrays:
            self.compute(*arrays)

    # -- misc ----------------------------------------------------------------------
    def random(self, n: int | None = None) -> Any:
        if n is None:
            return float(np.random.random())
        return da.random.random(n, chunks=self.chunks).astype(self.fdtype)


def _cluster_failure(exc: Exception, device: str) -> KlongError | None:
    """A failure of the cluster (a worker died, the scheduler went away) as a
    Klong error that says what happened; None for any other exception. A
    client that lost its scheduler is dropped (and closed), so that a later
    computation connects again."""
    from concurrent.futures import CancelledError

    from distributed import KilledWorker

    if isinstance(exc, KilledWorker):
        return KlongError("dask: a worker died while computing this (out of memory? give the "
                          "workers more memory, or smaller chunks: KLONG_DASK_CHUNK)")
    with _lock:
        client = _clients.get(device)
        if not (isinstance(exc, (CancelledError, OSError, TimeoutError))
                or (client is not None and client.status != "running")):
            return None
        _clients.pop(device, None)
    where = "the local cluster" if device == "local" else f"the scheduler at {device}"
    if client is None:  # connecting again failed
        return KlongError(f"dask: cannot reach {where} ({type(exc).__name__}: {exc})")
    client.close()
    return KlongError(f"dask: lost {where} while computing ({type(exc).__name__})")


def _halves_sum(b: np.ndarray) -> np.ndarray:
    """The int64 sums of the high and the low 32 bits of a chunk's rows
    (``x == (x >> 32) * 2**32 + (x & 0xFFFFFFFF)``), stacked: exact for fewer
    than 2**31 rows."""
    return np.stack([(b >> 32).sum(axis=0), (b & 0xFFFFFFFF).sum(axis=0)])


def _product_fits(a: Any) -> Any:
    """A lazy flag: the int64 product along axis 0 of ``a`` is exact (its
    log2 stays below 62)."""
    logs = da.log2(da.maximum(abs(a.astype(np.float64)), 1)).sum(axis=0)
    return da.all(logs < 62)


def _ident(op: str, dtype: np.dtype) -> Any:
    if dtype.kind == "f":
        return -np.inf if op == "max" else np.inf
    info = np.iinfo(dtype)
    return info.min if op == "max" else info.max


def _combine(op: str, x: Any, y: Any) -> Any:
    if isinstance(x, list):
        return [_combine(op, p, q) for p, q in zip(x, y)]
    return x + y if op == "sum" else x * y


def _arrays(value: Any) -> list:
    if isinstance(value, da.Array):
        return [value]
    if isinstance(value, list):
        return [a for v in value for a in _arrays(v)]
    return []
