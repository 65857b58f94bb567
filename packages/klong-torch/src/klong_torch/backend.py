"""Klong's PyTorch backend: tensors of int64 and float64 on cuda, mps or cpu.

Semantics mirror :class:`klong_numpy.backend.NumpyBackend` method for method.
Reals are float64 except on mps (no float64 there) or with ``precision=32``.
Python numbers handed to a method become 0-d tensors of the backend's own
dtypes first, so torch's default dtype (float32) never leaks into a result.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import torch

from klong.backend import Backend

_MATH = {
    "exp": torch.exp, "log": torch.log, "sqrt": torch.sqrt, "sin": torch.sin,
    "cos": torch.cos, "tan": torch.tan, "asin": torch.asin, "acos": torch.acos,
    "atan": torch.atan, "sinh": torch.sinh, "cosh": torch.cosh, "tanh": torch.tanh,
    "abs": torch.abs,
}
_NP_MATH = {
    "exp": np.exp, "log": np.log, "sqrt": np.sqrt, "sin": np.sin, "cos": np.cos,
    "tan": np.tan, "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan,
    "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "abs": np.abs,
}
_REDUCE = {"sum": torch.sum, "prod": torch.prod, "max": torch.amax, "min": torch.amin}
_SCAN = {"sum": torch.cumsum, "prod": torch.cumprod,
         "max": lambda a, dim: torch.cummax(a, dim).values,
         "min": lambda a, dim: torch.cummin(a, dim).values}


_LIMIT = 2.0**62  # int64 sums and products below this magnitude are exact


def _fits(op: str, a: torch.Tensor, partial: bool = False) -> bool:
    """Whether an int64 sum/product along axis 0 is exact (every partial one too
    when ``partial``); the same test as the NumPy backend's."""
    if a.numel() == 0:
        return True
    n = a.shape[0]
    if op == "sum":
        if partial or n > 10**7:
            return max(abs(int(a.max())), abs(int(a.min()))) * n < _LIMIT
        return float(a.sum(dim=0, dtype=torch.float64).abs().max()) < _LIMIT
    # abs in float64: abs(-2**63) wraps around in int64
    logs = torch.log2(a.to(torch.float64).abs().clamp(min=1)).sum(dim=0)
    return bool((logs < 62).all())


def _combine(op: str, x: Any, y: Any) -> Any:
    """``x op y`` on Python ints, elementwise on (nested) lists."""
    if isinstance(x, list):
        return [_combine(op, a, b) for a, b in zip(x, y)]
    return x + y if op == "sum" else x * y


def _exact_scan(op: str, rows: list) -> list:
    """Running sum or product of ``rows`` in Python ints (no overflow)."""
    out = rows[:1]
    for r in rows[1:]:
        out.append(_combine(op, out[-1], r))
    return out


def resolve_device(requested: str | None) -> str:
    """The device to compute on, as torch names it ("cuda:0", "mps:0", "cpu").

    ``None`` picks the best available: cuda, then mps, then cpu. An explicit
    device is validated; one this machine lacks raises ``ValueError``.
    """
    if requested is None:
        if torch.cuda.is_available():
            return f"cuda:{torch.cuda.current_device()}"
        if torch.backends.mps.is_available():
            return "mps:0"
        return "cpu"
    try:
        dev = torch.device(requested)
    except (RuntimeError, TypeError):
        raise ValueError(f"unknown device {requested!r}: use cpu, cuda, cuda:N or mps") from None
    if dev.type == "cpu":
        return "cpu"
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(f"device {requested!r}: CUDA is not available here "
                             f"(no GPU visible to torch {torch.__version__})")
        count = torch.cuda.device_count()
        index = torch.cuda.current_device() if dev.index is None else dev.index
        if index >= count:
            have = "cuda:0" if count == 1 else f"cuda:0 to cuda:{count - 1}"
            raise ValueError(f"device {requested!r} does not exist: this machine has "
                             f"{count} CUDA device{'s' if count != 1 else ''} ({have})")
        return f"cuda:{index}"
    if dev.type == "mps":
        if not torch.backends.mps.is_available():
            raise ValueError(f"device {requested!r}: MPS is not available here "
                             "(it needs Apple silicon and a torch build with MPS)")
        return "mps:0"
    raise ValueError(f"device {requested!r} is not supported: use cpu, cuda, cuda:N or mps")


def available_devices() -> list[str]:
    """Devices usable on this machine: cpu, each cuda:N, and mps:0 on Apple silicon."""
    devices = ["cpu"]
    if torch.cuda.is_available():
        devices += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    if torch.backends.mps.is_available():
        devices.append("mps:0")
    return devices


class TorchBackend(Backend):
    """Numeric arrays are ``torch.Tensor`` on one device; see :class:`klong.backend.Backend`."""

    name = "torch"
    array_type = torch.Tensor

    def __init__(self, device: str | None = None, precision: int | None = None):
        if precision not in (None, 32, 64):
            raise ValueError(f"precision must be 32 or 64, not {precision!r}")
        self.device = resolve_device(device)
        self.tdevice = torch.device(self.device)
        if self.tdevice.type == "mps" and precision == 64:
            raise ValueError("mps has no float64: use precision 32 (the default there)")
        self.float64 = precision != 32 and self.tdevice.type != "mps"
        self.fdtype = torch.float64 if self.float64 else torch.float32

    # -- helpers ------------------------------------------------------------------
    def _t(self, x: Any) -> torch.Tensor:
        """``x`` as a tensor on the device, Python numbers at the backend's dtypes."""
        if isinstance(x, torch.Tensor):
            return x if x.device == self.tdevice else x.to(self.tdevice)
        return self.asarray(x)

    # -- creation and conversion -------------------------------------------------
    def asarray(self, data: Any, kind: str | None = None) -> torch.Tensor:
        # a given array or tensor keeps a float dtype no wider than the backend's
        # reals (float16, bfloat16, float32); lists get the backend's precision
        given = isinstance(data, (torch.Tensor, np.ndarray))
        if isinstance(data, torch.Tensor):
            t = data
        else:
            arr = np.asarray(data)
            if arr.dtype.kind not in "biuf":
                what = "Klong has no complex numbers" if arr.dtype.kind == "c" else "not a numeric array"
                raise TypeError(f"{what}: dtype {arr.dtype}")
            if arr.dtype.kind == "f" and kind != "i" and not (
                    given and arr.dtype.itemsize <= self.fdtype.itemsize):
                arr = arr.astype(np.float64 if self.float64 else np.float32, copy=False)
            elif arr.dtype.kind in "biu":
                arr = arr.astype(np.int64, copy=False)
            if not arr.flags.writeable:
                arr = arr.copy()
            t = torch.as_tensor(arr)
        if t.is_complex():
            raise TypeError(f"Klong has no complex numbers: dtype {t.dtype}")
        if kind == "f" or (kind is None and t.is_floating_point()):
            keep = kind is None and given and t.dtype.itemsize <= self.fdtype.itemsize
            t = t if keep else t.to(self.fdtype)  # cast before moving: mps has no float64
            return t if t.device == self.tdevice else t.to(self.tdevice)
        t = t if t.device == self.tdevice else t.to(self.tdevice)
        if kind == "i" or t.dtype in (torch.bool, torch.uint8, torch.int8, torch.int16,
                                      torch.int32, torch.int64):
            return t.to(torch.int64)
        raise TypeError(f"not a numeric array: dtype {t.dtype}")

    def arange(self, n: int) -> torch.Tensor:
        return torch.arange(n, dtype=torch.int64, device=self.tdevice)

    def kind(self, a: torch.Tensor) -> str:
        return "f" if a.is_floating_point() else "i"

    def to_int(self, a: torch.Tensor) -> torch.Tensor:
        return a.to(torch.int64)

    def to_float(self, a: torch.Tensor) -> torch.Tensor:
        return a.to(self.fdtype)

    def to_host(self, a: torch.Tensor) -> np.ndarray:
        return a.detach().cpu().numpy()

    def tolist(self, a: torch.Tensor) -> list:
        return a.detach().tolist()

    def scalar(self, a: Any) -> Any:
        if isinstance(a, torch.Tensor):
            return a if a.requires_grad else a.item()
        return a.item() if hasattr(a, "item") else a

    def elements(self, a: torch.Tensor) -> list:
        if a.ndim == 1:
            return [self.scalar(e) for e in a] if a.requires_grad else a.tolist()
        return list(a)

    # -- structure ------------------------------------------------------------
    def concat(self, arrays: Sequence[torch.Tensor]) -> torch.Tensor:
        return torch.cat([self._t(a) for a in arrays])

    def stack(self, arrays: Sequence[torch.Tensor]) -> torch.Tensor:
        return torch.stack([self._t(a) for a in arrays])

    def reshape(self, a: torch.Tensor, shape: Sequence[int]) -> torch.Tensor:
        return a.reshape(tuple(shape))

    def flip(self, a: torch.Tensor) -> torch.Tensor:
        return torch.flip(a, dims=(0,))

    def roll(self, a: torch.Tensor, k: int) -> torch.Tensor:
        return torch.roll(a, int(k), dims=0)

    def transpose(self, a: torch.Tensor) -> torch.Tensor:
        return a.transpose(0, 1)

    def repeat(self, a: torch.Tensor, counts: Any) -> torch.Tensor:
        reps = counts if isinstance(counts, int) else self.asarray(counts, "i")
        return torch.repeat_interleave(a, reps)

    def nonzero(self, a: torch.Tensor) -> torch.Tensor:
        return torch.nonzero(a.reshape(-1), as_tuple=True)[0]

    def argsort(self, a: torch.Tensor, descending: bool = False) -> torch.Tensor:
        if descending:  # stable descending: sort the reversed vector, map back
            n = len(a)
            order = torch.sort(torch.flip(a, dims=(0,)), stable=True).indices
            return n - 1 - torch.flip(order, dims=(0,))
        return torch.sort(a, stable=True).indices

    def where(self, cond: Any, a: Any, b: Any) -> torch.Tensor:
        c = self._t(cond)
        return torch.where(c if c.dtype == torch.bool else c != 0, self._t(a), self._t(b))

    def copy(self, a: torch.Tensor) -> torch.Tensor:
        return a.clone()

    # -- arithmetic without a portable operator ---------------------------------
    def floor(self, a: Any) -> Any:
        return torch.floor(self._t(a))

    def fmod(self, a: Any, b: Any) -> Any:
        a, b = self._t(a), self._t(b)
        if a.is_floating_point() or b.is_floating_point():
            return torch.fmod(a, b)
        zero = b == 0  # integers: x fmod 0 is 0, as in NumPy
        return torch.where(zero, 0, torch.fmod(a, torch.where(zero, 1, b)))

    def trunc_div(self, a: Any, b: Any) -> Any:
        a, b = self._t(a), self._t(b)
        if a.is_floating_point() or b.is_floating_point():
            return torch.div(a, b, rounding_mode="trunc")
        zero = b == 0  # integers: x div 0 is 0, as in NumPy
        return torch.where(zero, 0, torch.div(a, torch.where(zero, 1, b), rounding_mode="trunc"))

    def minimum(self, a: Any, b: Any) -> torch.Tensor:
        return torch.minimum(self._t(a), self._t(b))

    def maximum(self, a: Any, b: Any) -> torch.Tensor:
        return torch.maximum(self._t(a), self._t(b))

    def math(self, fn: str, a: Any) -> Any:
        if not isinstance(a, torch.Tensor):
            return _NP_MATH[fn](float(a)).item()
        return _MATH[fn](a.to(self.fdtype))

    # -- reductions along the first axis ----------------------------------------
    def reduce(self, op: str, a: torch.Tensor) -> Any:
        if a.dtype == torch.int64 and op in ("sum", "prod") and not _fits(op, a):
            return _exact_scan(op, a.tolist())[-1]
        return self._reduce(op, a)

    def reduce_in_range(self, op: str, a: torch.Tensor) -> Any:
        return self._reduce(op, a)

    def _reduce(self, op: str, a: torch.Tensor) -> Any:
        """The library's own reduction (not reduce_in_range, which the plain
        evaluator's view puts back to the default, which calls reduce)."""
        r = _REDUCE[op](a, dim=0)
        if r.dtype == torch.bool:
            r = r.to(torch.int64)
        return self.scalar(r) if r.ndim == 0 else r

    def scan(self, op: str, a: torch.Tensor) -> Any:
        if a.dtype == torch.bool:
            a = a.to(torch.int64)
        if a.dtype == torch.int64 and op in ("sum", "prod") and not _fits(op, a, partial=True):
            return _exact_scan(op, a.tolist())
        return _SCAN[op](a, dim=0)

    def extent(self, a: torch.Tensor) -> tuple[Any, Any]:
        lo, hi = torch.aminmax(a.detach())
        return lo.item(), hi.item()

    def synchronize(self, value: Any = None) -> None:
        if self.device.startswith("cuda"):
            torch.cuda.synchronize(self.device)
        elif self.device.startswith("mps"):
            torch.mps.synchronize()

    def traced(self, a: torch.Tensor) -> bool:
        return a.requires_grad

    def any(self, a: torch.Tensor) -> bool:
        return bool(a.any())

    def all(self, a: torch.Tensor) -> bool:
        return bool(a.all())

    # -- misc ------------------------------------------------------------------
    def random(self, n: int | None = None) -> Any:
        if n is None:
            return torch.rand((), dtype=torch.float64).item()
        return torch.rand(n, dtype=self.fdtype, device=self.tdevice)
