"""Hook specifications of the ``klong`` pluggy project.

A backend distribution declares an entry point in the group ``klong.backends``
whose name is the backend's name and whose value is a module of hook
implementations::

    # pyproject.toml of a backend distribution
    [project.entry-points."klong.backends"]
    mylib = "klong_mylib.plugin"

    # klong_mylib/plugin.py
    import pluggy
    from klong.backend import BackendInfo

    hookimpl = pluggy.HookimplMarker("klong")

    @hookimpl
    def klong_backend():
        from klong_mylib.backend import MyBackend  # import the heavy library lazily
        return BackendInfo(name="mylib", factory=MyBackend)

Only ``klong_backend`` is required. Every other hook is optional: return
``None`` to decline, and core falls back (to the requested device, or to
numeric differentiation). Each backend is consulted through its own plugin
manager, so a hook answers for its own backend; it should still decline
(return ``None``) when ``backend_name`` or ``backend.name`` is not its own.
"""

from __future__ import annotations

from typing import Any, Callable

import pluggy

from klong.backend import Backend, BackendInfo

PROJECT = "klong"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def klong_backend() -> BackendInfo:
    """Describe the backend this plugin provides.

    Return a :class:`klong.backend.BackendInfo`: its ``name`` must equal the
    entry point's name; ``factory(device=None, precision=None)`` builds the
    backend; ``devices()`` lists the devices usable here (a cheap probe: it
    runs when backends are listed); ``float64`` and ``autograd`` state the
    capabilities. Import the array library inside ``factory``/``devices``, not
    at module level, so that discovery stays cheap.

    Example::

        @hookimpl
        def klong_backend():
            return BackendInfo(name="numpy", factory=NumpyBackend,
                               devices=lambda: ["cpu"], float64=True, autograd=False)
    """


@hookspec(firstresult=True)
def klong_select_device(backend_name: str, requested: str | None) -> str | None:
    """Validate the device the user asked for, or choose the best one.

    ``requested`` is the user's ``--device``/``device=`` (``"cpu"``, ``"cuda"``,
    ``"cuda:1"``, ``"mps"``) or ``None``. Return the device name to build the
    backend on (as the library names it, e.g. ``"cuda:0"``), or ``None`` to
    decline (the request, possibly ``None``, then goes to the factory as is).
    Raise ``ValueError`` with a message a user can act on when the device
    cannot be used here.

    Example::

        @hookimpl
        def klong_select_device(backend_name, requested):
            if backend_name != "numpy":
                return None
            if requested not in (None, "cpu"):
                raise ValueError(f"the numpy backend runs on the cpu only, not {requested!r}")
            return "cpu"
    """


@hookspec(firstresult=True)
def klong_gradient(backend: Backend, fn: Callable[[Any], Any], x: Any) -> Any | None:
    """Gradient of the scalar-valued ``fn`` at ``x``, or ``None`` to decline.

    ``fn`` takes one backend value (a number or an array of ``backend``) and
    returns a scalar. The answer has the shape of ``x``: a number for a
    number, an array for an array. When every plugin declines, core's numeric
    differentiation answers.

    Nested: inside another differentiation, ``x`` carries the outer one's
    gradient; differentiate without cutting it, and return a result that
    still carries it (the outer hook differentiates it again). The same holds
    for ``klong_jacobian`` and ``klong_value_and_grads``.

    Example::

        @hookimpl
        def klong_gradient(backend, fn, x):
            if backend.name != "torch":
                return None
            xt = backend.asarray(x, "f").detach().clone().requires_grad_(True)
            (g,) = torch.autograd.grad(fn(xt), xt)
            return g if g.ndim else g.item()
    """


@hookspec(firstresult=True)
def klong_jacobian(backend: Backend, fn: Callable[[Any], Any], x: Any) -> Any | None:
    """Jacobian of ``fn`` at ``x``, or ``None`` to decline.

    ``fn`` takes one backend value and returns a number or an array; the
    answer has shape ``fn(x).shape + x.shape``, so for vectors
    ``J[i, j] = d fn(x)[i] / d x[j]``. Core's numeric Jacobian answers when
    every plugin declines.

    Example::

        @hookimpl
        def klong_jacobian(backend, fn, x):
            if backend.name != "torch":
                return None
            return torch.autograd.functional.jacobian(fn, backend.asarray(x, "f"))
    """


@hookspec(firstresult=True)
def klong_value_and_grads(
    backend: Backend, fn: Callable[..., Any], xs: list[Any]
) -> tuple[Any, list[Any]] | None:
    """Value of ``fn(*xs)`` and its gradient with respect to each of ``xs``.

    ``fn`` is scalar-valued. Return ``(value, [grad_0, grad_1, ...])``, each
    gradient shaped like its ``xs[i]``, or ``None`` to decline (core then
    differentiates numerically). Optimizers written in Python drive a Klong
    loss through this hook, so one call computes every parameter's gradient.

    Example::

        @hookimpl
        def klong_value_and_grads(backend, fn, xs):
            if backend.name != "torch":
                return None
            ts = [backend.asarray(x, "f").detach().requires_grad_(True) for x in xs]
            y = fn(*ts)
            return y.item(), list(torch.autograd.grad(y, ts))
    """


@hookspec
def klong_conformance_exclusions(backend_name: str) -> dict[str, str] | None:
    """Known gaps of this backend in the conformance kit, each with its reason.

    Return ``{selector: reason}`` (or ``None`` for none). The kit
    (``pytest --pyargs klong.conformance --klong-backend NAME``) still runs every
    excluded case, but reports it as an expected failure (``xfail``) with the
    reason, so gaps stay visible; a case that passes anyway shows as ``XPASS``,
    a hint to drop its exclusion. A selector is one of:

    - the program of a case, exactly as written in its ``.kc`` file;
    - a case id ``FILE.kc:LINE`` or a file name ``FILE.kc`` (``fnmatch``
      wildcards allowed: ``"operators_*.kc"``);
    - a test name of the kit's Python tests (``test_protocol_methods``...).

    Every plugin's answer is merged; a selector that matches nothing is an
    error in the kit's report (a stale exclusion hides nothing).

    Example::

        @hookimpl
        def klong_conformance_exclusions(backend_name):
            if backend_name != "mylib":
                return None
            return {"1%3": "mylib computes reals in float32: prints 0.33333334"}
    """
