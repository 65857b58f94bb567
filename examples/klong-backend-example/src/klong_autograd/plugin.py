"""Hook implementations that make ``klong_autograd`` a Klong backend.

klong-core imports this module when it lists or loads backends, so it imports
nothing heavy at module level: NumPy and autograd come in inside the hooks.
Every hook but ``klong_backend`` declines (returns ``None``) for a backend
that is not ours; core then falls back (numeric differentiation).
"""

from __future__ import annotations

import warnings
from typing import Any, Callable

import pluggy

from klong.backend import Backend, BackendInfo

hookimpl = pluggy.HookimplMarker("klong")

NAME = "autograd"


def _factory(device: str | None = None, precision: int | None = None) -> Backend:
    """Build the backend (this is where NumPy and autograd get imported)."""
    from klong_autograd.backend import AutogradBackend

    return AutogradBackend(device=device, precision=precision)


@hookimpl
def klong_backend() -> BackendInfo:
    """Describe the backend: CPU only, float64, exact gradients."""
    return BackendInfo(name=NAME, factory=_factory, devices=lambda: ["cpu"],
                       float64=True, autograd=True,
                       description="NumPy on the CPU with exact gradients (autograd)")


@hookimpl
def klong_select_device(backend_name: str, requested: str | None) -> str | None:
    """NumPy computes on the CPU only: accept ``None`` or ``"cpu"``."""
    if backend_name != NAME:
        return None
    if requested not in (None, "cpu"):
        raise ValueError(f"the autograd backend runs on the cpu only, not on {requested!r}")
    return "cpu"


def _ours(backend: Backend) -> bool:
    from klong_autograd.backend import AutogradBackend

    return isinstance(backend, AutogradBackend)


def _point(backend: Any, x: Any) -> Any:
    """The point to differentiate at: a float array, or an outer derivative's
    box as it is (autograd nests boxes, so gradients of gradients work)."""
    from autograd.numpy.numpy_boxes import ArrayBox

    return x if isinstance(x, ArrayBox) else backend.asarray(x, "f")


def _out(g: Any) -> Any:
    """A 0-d plain result becomes a Python number, as core expects."""
    from autograd.numpy.numpy_boxes import ArrayBox

    if not isinstance(g, ArrayBox) and getattr(g, "ndim", 0) == 0:
        return float(g)
    return g


def _real(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` with a real result: autograd has no vector space for ints (a
    function whose result is an integer, +/_x say, is constant: gradient 0)."""
    return lambda *p: fn(*p) + 0.0


def _traced(run: Callable[[], Any]) -> Any:
    """Run an autograd computation ("Output seems independent of input" is
    no error: a constant has gradient 0)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return run()


@hookimpl
def klong_gradient(backend: Backend, fn: Callable[[Any], Any], x: Any) -> Any | None:
    """Exact gradient of the scalar-valued ``fn`` at ``x``."""
    if not _ours(backend):
        return None
    import autograd

    return _out(_traced(lambda: autograd.grad(_real(fn))(_point(backend, x))))


@hookimpl
def klong_jacobian(backend: Backend, fn: Callable[[Any], Any], x: Any) -> Any | None:
    """Exact Jacobian, shaped ``fn(x).shape + x.shape``."""
    if not _ours(backend):
        return None
    import autograd
    import autograd.numpy as anp

    jac = autograd.jacobian(lambda p: anp.array(fn(p)) + 0.0)
    return _out(_traced(lambda: jac(_point(backend, x))))


@hookimpl
def klong_value_and_grads(backend: Backend, fn: Callable[..., Any],
                          xs: list[Any]) -> tuple[Any, list[Any]] | None:
    """``fn(*xs)`` and its exact gradient with respect to every one of ``xs``."""
    if not _ours(backend) or not xs:
        return None
    import autograd

    points = [_point(backend, x) for x in xs]
    vg = autograd.value_and_grad(_real(fn), argnum=tuple(range(len(points))))
    value, grads = _traced(lambda: vg(*points))
    return _out(value), [_out(g) for g in grads]


@hookimpl
def klong_conformance_exclusions(backend_name: str) -> dict[str, str] | None:
    """Known gaps in the conformance kit: none today. A gap would be declared
    as ``{"program or FILE.kc:LINE": "reason"}``; the kit then reports that
    case as an expected failure with the reason, instead of failing."""
    if backend_name != NAME:
        return None
    return {}
