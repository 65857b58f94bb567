"""Exact differentiation for klong-core's ``:>``, ``∂`` and ``value_and_gradients``,
by ``torch.autograd`` (the gradient hooks of the torch plugin).

Gradients are exact, on the backend's device, in its real precision (float64
on cpu and cuda). A differentiation keeps the graph of its result
(``create_graph``) when it is nested in another one (``f:>`` inside the
function of ``g:>``) or when its point already carries a gradient, so higher
orders compose: ``g::{f:>x}; g:>3.0`` is f''(3). Results that carry a graph
stay tensors (0-d ones too); the others are detached, and 0-d ones become
Python floats.

torch is imported inside the functions: importing the plugin module (entry
point discovery) must stay cheap.
"""

from __future__ import annotations

import contextvars
import functools
from typing import TYPE_CHECKING, Any, Callable

import pluggy

from klong.backend import Backend

if TYPE_CHECKING:
    import torch

    from klong_torch.backend import TorchBackend

hookimpl = pluggy.HookimplMarker("klong")

#: how many differentiations are in progress in this context (>0: keep graphs)
_depth: contextvars.ContextVar[int] = contextvars.ContextVar("klong_torch_grad_depth", default=0)


def _torch_backend(backend: Backend) -> TorchBackend | None:
    from klong_torch.backend import TorchBackend

    return backend if isinstance(backend, TorchBackend) else None


class _differentiating:  # noqa: N801 - used as a function: with _differentiating() as nested
    """Marks a differentiation in progress; entering gives True when it is
    nested in another. A plain class: a generator-based context manager costs
    a noticeable part of a small gradient step."""

    __slots__ = ("token",)

    def __enter__(self) -> bool:
        depth = _depth.get()
        self.token = _depth.set(depth + 1)
        return depth > 0

    def __exit__(self, *exc: object) -> None:
        _depth.reset(self.token)


def _carries_graph(x: Any) -> bool:
    import torch

    return isinstance(x, torch.Tensor) and x.requires_grad


def _leaf(b: TorchBackend, x: Any) -> torch.Tensor:
    """``x`` as a real tensor to differentiate against, still attached to any
    outer graph it belongs to (so nested gradients compose)."""
    import torch

    if _carries_graph(x):
        return b.asarray(x, "f").clone()
    if type(x) is float or type(x) is int:  # the common case, made directly: a step is short
        return torch.tensor(float(x), dtype=b.fdtype, device=b.tdevice, requires_grad=True)
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
    if not y.requires_grad:
        return None
    return y if y.ndim == 0 else y.reshape(())  # a reshape would add a node to the backward pass


def _grads(y: torch.Tensor | None, xs: list[torch.Tensor], keep: bool) -> list[torch.Tensor]:
    """d y / d x for each x (zeros where y does not depend on x); with ``keep``
    the gradients carry their own graph (for a derivative of them)."""
    import torch

    if y is None:
        return [torch.zeros_like(x).detach() for x in xs]
    engine = _engine()
    if keep or engine is None or type(y) is not torch.Tensor:
        gs = torch.autograd.grad(y, xs, create_graph=keep, retain_graph=keep, allow_unused=True)
    else:  # what torch.autograd.grad runs, less the checks our arguments cannot fail
        gs = engine.run_backward((y,), (torch.ones_like(y),), False, False, tuple(xs), True, False)
    return [torch.zeros_like(x).detach() if g is None else (g if keep else g.detach())
            for g, x in zip(gs, xs)]


@functools.cache
def _engine() -> Any:
    """The autograd engine that ``torch.autograd.grad`` calls, or None where
    this torch has none by that name. ``torch.autograd.grad`` first normalises
    and checks its arguments (tensor subclasses, shapes of the seeds, logging),
    which takes about a third of a small gradient step; for a plain 0-d output
    seeded with 1 and leaves we made, none of that can apply, and the engine's
    result is the same."""
    import torch

    return getattr(getattr(torch.autograd, "Variable", None), "_execution_engine", None)


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
        keep = nested or _carries_graph(x)
        xt = _leaf(b, x)
        (g,) = _grads(_scalar_output(fn(xt)), [xt], keep)
    return _out(b, g)


@hookimpl
def klong_jacobian(backend: Backend, fn: Callable[[Any], Any], x: Any) -> Any | None:
    """Exact Jacobian of ``fn`` at ``x``: shape ``fn(x).shape + x.shape``, one
    backward pass per output element (the forward pass runs once)."""
    import torch

    b = _torch_backend(backend)
    if b is None:
        return None
    with _differentiating() as nested, torch.enable_grad():
        keep = nested or _carries_graph(x)
        xt = _leaf(b, x)
        y = fn(xt)
        if not isinstance(y, torch.Tensor):
            y = b.asarray(y, "f")
        flat = y.reshape(-1)
        rows = []
        for i in range(flat.numel()):
            out = flat[i] if flat.requires_grad else None
            if out is None:
                rows.append(torch.zeros_like(xt).detach())
                continue
            # the graph is needed again for the next row: retain it but the last time
            (g,) = torch.autograd.grad(out, [xt], create_graph=keep,
                                       retain_graph=keep or i + 1 < flat.numel(),
                                       allow_unused=True)
            rows.append(torch.zeros_like(xt).detach() if g is None else (g if keep else g.detach()))
        jac = (torch.stack(rows) if rows else torch.zeros((0, *xt.shape), dtype=b.fdtype,
                                                           device=b.tdevice))
        jac = jac.reshape((*y.shape, *xt.shape))
    return _out(b, jac)


@hookimpl
def klong_value_and_grads(backend: Backend, fn: Callable[..., Any],
                          xs: list[Any]) -> tuple[Any, list[Any]] | None:
    """Value of scalar-valued ``fn(*xs)`` and its exact gradient for each of
    ``xs``: one forward and one backward pass."""
    import torch

    b = _torch_backend(backend)
    if b is None:
        return None
    with _differentiating() as nested, torch.enable_grad():
        keep = nested or any(_carries_graph(x) for x in xs)
        leaves = [_leaf(b, x) for x in xs]
        y = fn(*leaves)
        grads = _grads(_scalar_output(y), leaves, keep)
    if isinstance(y, torch.Tensor):
        value = b.scalar(y if y.ndim == 0 else y.reshape(())) if keep else y.item()
    else:
        value = y
    return value, [_out(b, g) for g in grads]
