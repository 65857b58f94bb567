"""Differentiation as a language feature: ``f:>x``, ``f:>[a b]``, ``x∇f``,
``x∂f``, ``[a b]∂f`` and ``.jacobian(f;x)``.

Who differentiates is decided through the plugin hooks: a backend with
autograd (torch) answers ``klong_gradient``/``klong_jacobian``/
``klong_value_and_grads`` exactly; when no backend answers, core's numeric
differentiation does. ``∇`` is always numeric.

Numeric differentiation uses fourth-order central differences
(``f(x-2h) f(x-h) f(x+h) f(x+2h)``, step ``h = eps^(1/5) * max(1, |x|)``): the
error is about ``eps^(4/5)`` (1e-13 in float64), small enough that a numeric
derivative of a numeric derivative (second order on numpy) is still good to
about 1e-9. It only adds, subtracts and scales values, so on a backend whose
arrays carry gradients it is itself differentiable (``∇`` inside ``:>``).

Shapes: a gradient has the shape of the point (a number for a number). A
Jacobian is always an m×n matrix, m the number of values ``f`` returns (1 for a
number) and n the number of elements of the point (1 for a number), both taken
in row-major order, so ``J[i;j] = d f_i / d x_j`` on every backend.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from .errors import KlongError
from .nodes import Node, Var
from .values import Builtin, KFunction, Symbol

NABLA, PARTIAL = "\u2207", "\u2202"


# -- hooks -------------------------------------------------------------------------

def _hooks(k: Any) -> Any:
    """The plugin manager of the interpreter's backend (None for a bare backend)."""
    pm = getattr(k, "_plugin_manager", False)
    if pm is False:
        try:
            from .plugins import plugin_manager_for
            pm = plugin_manager_for(k.backend.name)
        except Exception:  # noqa: BLE001 - no plugin registry: numeric fallback only
            pm = None
        k._plugin_manager = pm
    return pm


def _answer(k: Any, pm: Any, hook: str, **kwargs: Any) -> Any:
    """The first answer (not None) of a first-result hook, with ``k.verbs.tracing``
    counting the hooks running (the verbs then ask :meth:`Backend.traced`)."""
    k.verbs.tracing += 1
    try:
        return _first_answer(pm, hook, kwargs)
    finally:
        k.verbs.tracing -= 1


def _first_answer(pm: Any, hook: str, kwargs: dict) -> Any:
    """Calls a first-result hook's implementations directly, last registered
    first, as pluggy does: pluggy's dispatch costs as much as the interpreter's
    share of a small gradient step. Hook wrappers (no backend of ours has one)
    go through pluggy."""
    caller = getattr(pm.hook, hook)
    impls = caller.get_hookimpls()
    if any(i.hookwrapper or i.wrapper for i in impls):
        return caller(**kwargs)
    for impl in reversed(impls):
        r = impl.function(*[kwargs[a] for a in impl.argnames])
        if r is not None:
            return r
    return None


# -- values ------------------------------------------------------------------------

def _what(k: Any, x: Any) -> str:
    """A short description of a value for error messages."""
    v = k.verbs
    if type(x) is str:
        return f"the string {k.show(x)}"
    if isinstance(x, Symbol):
        return f"the symbol {k.show(x)}"
    if isinstance(x, KFunction):
        return "a function"
    if v.is_list(x):
        return f"a list of shape {k.show(v.shape(x))}"
    return f"{k.show(x)}"


def _as_point(k: Any, x: Any, op: str, name: str | None = None) -> Any:
    """The differentiation point as a real number or a real backend array
    (arrays that carry a gradient keep it: higher orders compose)."""
    v, B = k.verbs, k.backend
    if type(x) is bool:
        x = int(x)
    if type(x) is int:
        return float(x)
    if type(x) is float:
        return x
    if v.isarr(x):
        return B.to_float(x)
    if type(x) is list and x and all(v.is_num(e) for e in x):
        if any(v.isarr(e) for e in x):  # 0-d arrays carrying gradients: stack, do not copy out
            return B.stack([B.to_float(B.asarray(e)) if not v.isarr(e) else B.to_float(e) for e in x])
        return B.asarray([float(e) for e in x], "f")
    what = f"{name} (its value is {_what(k, x)})" if name else _what(k, x)
    raise KlongError(f"{op}: cannot differentiate with respect to {what}: a number or a "
                     "list of numbers is needed, or a list of global names such as [w b]")


def _scalar_value(k: Any, r: Any, op: str) -> Any:
    """``r`` if it is a number (an int, a real or a 0-d array), else a Klong error."""
    if k.verbs.is_num(r):
        return r
    if k.verbs.is_list(r):
        raise KlongError(f"{op}: the function must return a number, but returned "
                         f"{_what(k, r)}; reduce it to one number (with +/ for instance) "
                         f"or use {PARTIAL} for the Jacobian")
    raise KlongError(f"{op}: the function must return a number, but returned {_what(k, r)}")


def _flat(k: Any, r: Any) -> Any:
    """The numbers ``r`` holds as a flat real vector (row-major), for Jacobians."""
    v, B = k.verbs, k.backend
    if type(r) in (int, float, bool):
        return B.asarray([float(r)], "f")
    if v.isarr(r):
        return B.reshape(B.to_float(r), (-1,))
    if type(r) is list and r:
        parts = [_flat(k, e) for e in r]
        return B.concat(parts)
    raise KlongError(f"{PARTIAL}: the function must return a number or a list of numbers, "
                     f"but returned {_what(k, r)}")


def _size(x: Any) -> int:
    """Number of elements of a point (1 for a number)."""
    n = 1
    for d in getattr(x, "shape", ()):
        n *= int(d)
    return n


def _host(k: Any, x: Any) -> float:
    """A real number's value on the host (for choosing a step only; ``x`` may
    carry a gradient, so it is read with ``extent``, never ``tolist``)."""
    return float(k.verbs.plain(x)) if k.verbs.isarr(x) else float(x)


# -- numeric differentiation (the fallback that always answers) ---------------------

def _step(k: Any, x: float) -> float:
    """Step of the fourth-order difference: eps^(1/5), scaled like ``x``."""
    eps = 2.220446049250313e-16 if k.backend.float64 else 1.1920929e-07
    return eps ** 0.2 * max(1.0, abs(x))


def _difference(g: Callable[[float], Any], h: float) -> Any:
    """(8 (g(h) - g(-h)) - (g(2h) - g(-2h))) / 12h, where g(d) evaluates at x+d."""
    return (8 * (g(h) - g(-h)) - (g(2 * h) - g(-2 * h))) / (12 * h)


def _shifted(k: Any, flat: Any, i: int, d: float) -> Any:
    """``flat`` with element i moved by d (a new array: flat itself may carry a gradient)."""
    return k.backend.update(flat, i, flat[i] + d)


def _as_vector(k: Any, vals: list) -> Any:
    """A list of numbers (some possibly 0-d arrays carrying gradients) as a real vector."""
    B, v = k.backend, k.verbs
    if any(v.isarr(e) for e in vals):
        return B.stack([B.to_float(e) if v.isarr(e) else B.asarray(float(e), "f") for e in vals])
    return B.asarray([float(e) for e in vals], "f")


def numeric_gradient(k: Any, fn: Callable[[Any], Any], x: Any, op: str = NABLA) -> Any:
    """Central differences of a scalar function at a real number or real array."""
    B, num = k.backend, k.verbs.num

    def value(p: Any) -> Any:
        return num(_scalar_value(k, fn(p), op))

    if not k.verbs.isarr(x) or x.ndim == 0:
        return num(_difference(lambda d: value(x + d), _step(k, _host(k, x))))
    flat = B.reshape(x, (-1,))
    out = []
    for i in range(flat.shape[0]):
        def g(d: float, i: int = i) -> Any:
            return value(B.reshape(_shifted(k, flat, i, d), tuple(x.shape)))
        out.append(_difference(g, _step(k, _host(k, flat[i]))))
    return B.reshape(_as_vector(k, out), tuple(x.shape))


def numeric_jacobian(k: Any, fn: Callable[[Any], Any], x: Any) -> Any:
    """J[i;j] = d f_i / d x_j by central differences, as an m×n matrix."""
    B = k.backend
    if not k.verbs.isarr(x) or x.ndim == 0:
        col = _difference(lambda d: _flat(k, fn(x + d)), _step(k, _host(k, x)))
        return B.reshape(col, (-1, 1))
    flat = B.reshape(x, (-1,))
    cols = []
    for j in range(flat.shape[0]):
        def g(d: float, j: int = j) -> Any:
            return _flat(k, fn(B.reshape(_shifted(k, flat, j, d), tuple(x.shape))))
        cols.append(_difference(g, _step(k, _host(k, flat[j]))))
    return B.transpose(B.stack(cols))


# -- the drivers -------------------------------------------------------------------

def gradient(k: Any, fn: Callable[[Any], Any], x: Any, op: str = ":>",
             numeric: bool = False) -> Any:
    """Gradient of scalar-valued ``fn`` at ``x`` (shaped like ``x``)."""
    x = _as_point(k, x, op)
    pm = None if numeric else _hooks(k)
    if pm is not None:
        r = _answer(k, pm, "klong_gradient", backend=k.backend,
                    fn=lambda p: _scalar_value(k, fn(p), op), x=x)
        if r is not None:
            return r
    return numeric_gradient(k, fn, x, op)


def jacobian(k: Any, fn: Callable[[Any], Any], x: Any, op: str = PARTIAL,
             numeric: bool = False) -> Any:
    """Jacobian of ``fn`` at ``x`` as an m×n matrix (see the module docstring)."""
    x = _as_point(k, x, op)
    pm = None if numeric else _hooks(k)
    J = None
    if pm is not None:
        J = _answer(k, pm, "klong_jacobian", backend=k.backend, fn=lambda p: _flat(k, fn(p)), x=x)
    if J is None:
        J = numeric_jacobian(k, fn, x)
    J = k.backend.reshape(k.backend.asarray(J, "f"), (-1, _size(x)))
    return J if J.shape[0] else []


class Globals:
    """The saved values of named globals; :meth:`restore` puts them back."""

    def __init__(self, k: Any, names: Sequence[str], op: str):
        self.k, self.names = k, list(names)
        for n in self.names:
            if n not in k.globals:  # named as written: w, not its key w`3 or w`module
                raise KlongError(f"{op}: cannot differentiate with respect to {n.partition('`')[0]}: "
                                 "it is not a defined variable")
        self.saved = [k.globals[n] for n in self.names]

    def points(self, op: str) -> list:
        return [_as_point(self.k, val, op, n) for n, val in zip(self.names, self.saved)]

    def restore(self) -> None:
        for n, val in zip(self.names, self.saved):
            self.k.globals[n] = val


def _call_loss(k: Any, f: KFunction) -> Any:
    """Run a loss that reads globals: a nilad, or a function ignoring its arguments."""
    return f.call([]) if f.arity == 0 else k.apply(f, [[]] * f.arity)


def _name_list(names: Sequence[Any]) -> list[str]:
    return [n.name if isinstance(n, Symbol) else str(n) for n in names]


def value_and_gradients(k: Any, f: Any, names: Sequence[Any], op: str = ":>",
                        numeric: bool = False) -> tuple[Any, list]:
    """The value of the loss ``f`` and its gradients with respect to the named
    globals, in one forward pass where the backend has autograd.

    ``f`` is a Klong function (or the name of a global holding one) that reads
    the globals: a nilad, or a function ignoring its arguments. ``names`` are
    strings or symbols. Each gradient is shaped like its global's value: a
    Python float for a number, a backend array (on the interpreter's device, in
    its real precision) for an array. The globals are left as they were, also
    when ``f`` fails. Optimizers written in Python are built on this::

        value, (gw, gb) = value_and_gradients(k, "loss", ["w", "b"])
    """
    if isinstance(f, str):
        if f not in k.globals:
            raise KlongError(f"{op}: {f} is not a defined function")
        f = k.globals[f]
    if not isinstance(f, KFunction):
        raise KlongError(f"{op}: expected a function to differentiate, got {_what(k, f)}")
    names = _name_list(names)
    g = Globals(k, names, op)
    try:
        points = g.points(op)

        def loss(*vals: Any) -> Any:
            for n, val in zip(names, vals):
                k.globals[n] = val
            return _scalar_value(k, _call_loss(k, f), op)

        pm = None if numeric else _hooks(k)
        if pm is not None:
            res = _answer(k, pm, "klong_value_and_grads", backend=k.backend, fn=loss, xs=points)
            if res is not None:
                return res[0], list(res[1])
        value = k.verbs.num(loss(*points))
        grads = []
        for i, p in enumerate(points):
            def partial(x: Any, i: int = i) -> Any:
                vals = list(points)
                vals[i] = x
                return loss(*vals)
            grads.append(numeric_gradient(k, partial, p, op))
        return value, grads
    finally:
        g.restore()


def gradients_wrt(k: Any, f: KFunction, names: Sequence[Any], op: str = ":>",
                  numeric: bool = False) -> list:
    """Gradient of the loss ``f`` with respect to each named global."""
    return value_and_gradients(k, f, names, op, numeric)[1]


def jacobians_wrt(k: Any, f: KFunction, names: Sequence[Any], op: str = PARTIAL,
                  numeric: bool = False) -> list:
    """One Jacobian (m×n, n the size of the global) per named global."""
    names = _name_list(names)
    g = Globals(k, names, op)
    try:
        out = []
        for n, p in zip(names, g.points(op)):
            def partial(x: Any, n: str = n) -> Any:
                k.globals[n] = x
                return _call_loss(k, f)
            out.append(jacobian(k, partial, p, op, numeric))
            g.restore()
        return out
    finally:
        g.restore()


# -- operators ---------------------------------------------------------------------

def _names(v: Any) -> list[str] | None:
    """A symbol or a list of symbols (names of globals), else None."""
    if isinstance(v, Symbol):
        return [v.name]
    if type(v) is list and v and all(isinstance(e, Symbol) for e in v):
        return [e.name for e in v]
    return None


def _need_fn(k: Any, op: str, f: Any) -> KFunction:
    if not isinstance(f, KFunction):
        side = {":>": "left operand", ".jacobian": "first argument"}.get(op, "right operand")
        raise KlongError(f"{op}: the {side} must be the function to differentiate, "
                         f"not {_what(k, f)}")
    return f


def differentiate(k: Any, op: str, f: Any, point: Any, bare: str | None = None,
                  resolve: Callable[[str], str] | None = None) -> Any:
    """``f:>point``, ``point∇f`` or ``point∂f``; ``bare`` is the variable name the
    point was written as, if it was one (a nilad is differentiated with respect
    to that global); ``resolve`` maps a global's name to where it is stored."""
    f = _need_fn(k, op, f)
    numeric, jac = op == NABLA, op in (PARTIAL, ".jacobian")
    names, single = _names(point), isinstance(point, Symbol)
    if f.arity == 0 and names is None:
        if bare is None:
            raise KlongError(f"{op}: the function takes no argument, so there is no point to "
                             "differentiate at: name the globals it reads, as in loss:>[w b], "
                             "or write the global's name (loss:>w)")
        names, single = [bare], True
    if names is not None:
        if resolve is not None:
            names = [resolve(n) for n in names]
        if jac:
            r = jacobians_wrt(k, f, names, op)
        else:
            r = gradients_wrt(k, f, names, op, numeric)
        return r[0] if single else k.verbs.mklist(r)
    if f.arity != 1:
        raise KlongError(f"{op}: a function of one argument is needed, not a {f.kind_name}; "
                         "project it (f(;2)) or differentiate with respect to globals ([w b])")

    def call(p: Any) -> Any:
        return k.apply(f, [p])

    if jac:
        return jacobian(k, call, point, op)
    return gradient(k, call, point, op, numeric)


def _internal(op: str, e: Exception) -> KlongError:
    """A failure of the array library while differentiating, as a Klong error."""
    return KlongError(f"{op}: cannot differentiate: {type(e).__name__}: {e}")


def compile_grad(k: Any, op: str, left: Callable, right: Callable, lnode: Node, rnode: Node,
                 where: Callable) -> Callable[[], Any]:
    """The closure for ``f:>x`` / ``x∇f`` / ``x∂f``."""
    point_node = rnode if op == ":>" else lnode
    bare = point_node.name if isinstance(point_node, Var) else None
    resolve = k.compiler.storage()  # the names' keys as this text sees them (locals, modules)

    def run() -> Any:
        b = right()
        a = left()
        f, point = (a, b) if op == ":>" else (b, a)
        try:
            return differentiate(k, op, f, point, bare, resolve)
        except KlongError as e:  # errors inside f keep their own position
            raise where(e) from None
        except RecursionError:
            raise
        except Exception as e:  # noqa: BLE001 - no Python traceback reaches a user
            raise where(_internal(op, e)) from None

    return run


def install(k: Any) -> None:
    """Bind ``.jacobian(f;x)`` (the same as ``x∂f``) in interpreter ``k``."""
    def jac(f: Any, x: Any) -> Any:
        try:
            return differentiate(k, ".jacobian", f, x)
        except KlongError:
            raise
        except RecursionError:
            raise
        except Exception as e:  # noqa: BLE001
            raise _internal(".jacobian", e) from None

    k.globals[".jacobian"] = Builtin(".jacobian", 2, jac)
