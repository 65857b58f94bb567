"""pluggy hook implementations registering the PyTorch backend with klong-core.

torch is imported inside the hooks, not when this module is imported, so that
discovering the entry point costs nothing. Gradients are exact
(``torch.autograd``); when a gradient is taken inside the function of another
one (``f:>`` nested in ``g:>``) the inner graph is kept, so higher orders work.
"""

from __future__ import annotations

import contextlib
import contextvars
from typing import TYPE_CHECKING, Any, Callable, Iterator

import pluggy

from klong.backend import Backend, BackendInfo

if TYPE_CHECKING:
    import torch

    from klong_torch.backend import TorchBackend

hookimpl = pluggy.HookimplMarker("klong")

#: how many differentiations are in progress in this context (>0: keep graphs)
_depth: contextvars.ContextVar[int] = contextvars.ContextVar("klong_torch_grad_depth", default=0)


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


def _torch_backend(backend: Backend) -> TorchBackend | None:
    from klong_torch.backend import TorchBackend

    return backend if isinstance(backend, TorchBackend) else None


@contextlib.contextmanager
def _differentiating() -> Iterator[bool]:
    """Mark a differentiation in progress; yields True when it is nested in another."""
    depth = _depth.get()
    token = _depth.set(depth + 1)
    try:
        yield depth > 0
    finally:
        _depth.reset(token)


def _leaf(b: TorchBackend, x: Any) -> torch.Tensor:
    """``x`` as a real tensor to differentiate against, still attached to any
    outer graph it belongs to (so nested gradients compose)."""
    import torch

    if isinstance(x, torch.Tensor) and x.requires_grad:
        return b.asarray(x, "f").clone()
    return b.asarray(x, "f").detach().clone().requires_grad_(True)


def _scalar_output(y: Any) -> torch.Tensor | None:
    """The single value of ``y`` as a 0-d tensor, or None for a constant."""
    import torch

    if not isinstance(y, torch.Tensor):
        try:
            float(y)
        except (TypeError, ValueError):
            raise ValueError(f"the function to differentiate must return a number, "
                             f"not {type(y).__name__}") from None
        return None
    if y.numel() != 1:
        raise ValueError(f"the function to differentiate must return a number, "
                         f"not an array of shape {list(y.shape)}")
    return y.reshape(()) if y.requires_grad else None


def _grads(y: torch.Tensor | None, xs: list[torch.Tensor], keep: bool) -> list[torch.Tensor]:
    """d y / d x for each x (zeros where y does not depend on x)."""
    import torch

    if y is None:
        return [torch.zeros_like(x).detach() for x in xs]
    gs = torch.autograd.grad(y, xs, create_graph=keep, retain_graph=True, allow_unused=True)
    return [torch.zeros_like(x).detach() if g is None else (g if keep else g.detach())
            for g, x in zip(gs, xs)]


def _out(b: TorchBackend, g: torch.Tensor) -> Any:
    """A result for core: 0-d tensors become Python numbers unless they carry a graph."""
    return b.scalar(g) if g.ndim == 0 else g


@hookimpl
def klong_gradient(backend: Backend, fn: Callable[[Any], Any], x: Any) -> Any | None:
    """Exact gradient of scalar-valued ``fn`` at ``x`` by ``torch.autograd``."""
    import torch

    b = _torch_backend(backend)
    if b is None:
        return None
    with _differentiating() as nested, torch.enable_grad():
        xt = _leaf(b, x)
        (g,) = _grads(_scalar_output(fn(xt)), [xt], nested)
    return _out(b, g)


@hookimpl
def klong_jacobian(backend: Backend, fn: Callable[[Any], Any], x: Any) -> Any | None:
    """Exact Jacobian of ``fn`` at ``x``: shape ``fn(x).shape + x.shape``."""
    import torch

    b = _torch_backend(backend)
    if b is None:
        return None
    with _differentiating() as nested, torch.enable_grad():
        xt = _leaf(b, x)
        y = fn(xt)
        if not isinstance(y, torch.Tensor):
            y = b.asarray(y, "f")
        flat = y.reshape(-1)
        rows = [_grads(flat[i] if flat.requires_grad else None, [xt], nested)[0]
                for i in range(flat.numel())]
        jac = (torch.stack(rows) if rows else torch.zeros((0, *xt.shape), dtype=b.fdtype,
                                                           device=b.tdevice))
        jac = jac.reshape((*y.shape, *xt.shape))
    return _out(b, jac)


@hookimpl
def klong_value_and_grads(backend: Backend, fn: Callable[..., Any],
                          xs: list[Any]) -> tuple[Any, list[Any]] | None:
    """Value of scalar-valued ``fn(*xs)`` and its exact gradient for each of ``xs``."""
    import torch

    b = _torch_backend(backend)
    if b is None:
        return None
    with _differentiating() as nested, torch.enable_grad():
        leaves = [_leaf(b, x) for x in xs]
        y = fn(*leaves)
        grads = _grads(_scalar_output(y), leaves, nested)
    if isinstance(y, torch.Tensor):
        y = y.reshape(()) if nested else y.detach().reshape(())
        value = b.scalar(y)
    else:
        value = y
    return value, [_out(b, g) for g in grads]
