"""pluggy hook implementations registering the NumPy backend with klong-core."""

from __future__ import annotations

import pluggy

from klong.backend import Backend, BackendInfo

hookimpl = pluggy.HookimplMarker("klong")


def _factory(device: str | None = None, precision: int | None = None) -> Backend:
    """Build a :class:`klong_numpy.backend.NumpyBackend` (imports NumPy)."""
    from klong_numpy.backend import NumpyBackend

    return NumpyBackend(device=device, precision=precision)


@hookimpl
def klong_backend() -> BackendInfo:
    """The NumPy backend: int64 and float64 arrays on the CPU, numeric gradients."""
    return BackendInfo(name="numpy", factory=_factory, devices=lambda: ["cpu"],
                       float64=True, autograd=False, description="NumPy arrays on the CPU")


@hookimpl
def klong_select_device(backend_name: str, requested: str | None) -> str | None:
    """NumPy computes on the CPU only: accept ``None`` or ``"cpu"``."""
    if backend_name != "numpy":
        return None
    if requested not in (None, "cpu"):
        raise ValueError(f"the numpy backend runs on the cpu only, not on {requested!r} "
                         "(for GPUs: pip install klong-torch, then --backend torch)")
    return "cpu"
