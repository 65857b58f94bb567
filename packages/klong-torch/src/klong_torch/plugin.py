"""pluggy hook implementations registering the PyTorch backend with klong-core.

torch is imported inside the hooks, not when this module is imported, so that
discovering the entry point costs nothing. The gradient hooks (exact, by
``torch.autograd``) live in :mod:`klong_torch.gradients`; they are imported
here so that this module, the entry point, is the one plugin pluggy registers.
"""

from __future__ import annotations

import pluggy

from klong.backend import Backend, BackendInfo

from klong_torch.gradients import (  # noqa: F401 - hook implementations
    klong_gradient,
    klong_jacobian,
    klong_value_and_grads,
)

hookimpl = pluggy.HookimplMarker("klong")


def _factory(device: str | None = None, precision: int | None = None) -> Backend:
    """Build a :class:`klong_torch.backend.TorchBackend` (imports torch)."""
    from klong_torch.backend import TorchBackend

    return TorchBackend(device=device, precision=precision)


def _devices() -> list[str]:
    from klong_torch.backend import available_devices

    return available_devices()


@hookimpl
def klong_backend() -> BackendInfo:
    """The torch backend: exact gradients, float64 except on mps (float32 there)."""
    return BackendInfo(name="torch", factory=_factory, devices=_devices, float64=True,
                       autograd=True,
                       description="PyTorch tensors; float64 on cpu/cuda, float32 on mps")


@hookimpl
def klong_select_device(backend_name: str, requested: str | None) -> str | None:
    """Explicit devices are validated; otherwise cuda, then mps, then cpu."""
    if backend_name != "torch":
        return None
    from klong_torch.backend import resolve_device

    return resolve_device(requested)
