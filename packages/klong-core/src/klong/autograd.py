"""Differentiation as a language feature: ``f:>x``, ``f:>[a b]``, ``x∇f``,
``x∂f``, ``[a b]∂f`` and ``.jacobian(f;x)``.

Who differentiates is decided through the plugin hooks: a backend with
autograd (torch) answers ``klong_gradient``/``klong_jacobian``/
``klong_value_and_grads`` exactly; when no backend answers, core's numeric
differentiation (central differences) does. ``∇`` is always numeric.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from .errors import KlongError
from .nodes import Node, Var
from .values import KFunction, Symbol

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


# -- numeric differentiation (the fallback that always answers) ---------------------

def _step(k: Any, x: float) -> float:
    eps = 2.220446049250313e-16 if k.backend.float64 else 1.1920929e-07
    return eps ** (1 / 3) * max(1.0, abs(x))


def _as_point(k: Any, x: Any) -> Any:
    """The differentiation point as a real number or real backend array."""
    v, B = k.verbs, k.backend
    x = k.to_klong(x) if not v.is_num(x) and not v.isarr(x) else x
    if type(x) is int:
        return float(x)
    if type(x) is float:
        return x
    if v.isarr(x):
        return B.to_float(x)
    if type(x) is list and x and all(v.is_num(e) for e in x):
        return B.to_float(B.asarray([float(v.num(e)) for e in x]))
    raise KlongError(f"cannot differentiate with respect to {k.show(x)}: a number or "
                     "numeric list is needed")


def _scalar_value(k: Any, r: Any, op: str) -> Any:
    v = k.verbs
    if v.is_num(r):
        return r
    shape = k.show(v.shape(r)) if v.is_list(r) else "a non-number"
    raise KlongError(f"{op}: the function must return a number, but returned shape {shape}; "
                     f"reduce it with +/ or use {PARTIAL} for a Jacobian")


def numeric_gradient(k: Any, fn: Callable[[Any], Any], x: Any, op: str = ":>") -> Any:
    """Central differences of a scalar function at a number or array."""
    B, num = k.backend, k.verbs.num
    if not k.verbs.isarr(x):
        h = _step(k, x)
        return (float(num(_scalar_value(k, fn(x + h), op))) - float(num(_scalar_value(k, fn(x - h), op)))) / (2 * h)
    flat = B.reshape(x, (-1,))
    out = []
    for i in range(flat.shape[0]):
        xi = float(B.scalar(flat[i]))
        h = _step(k, xi)
        up, dn = B.copy(flat), B.copy(flat)
        up[i] = xi + h
        dn[i] = xi - h
        fu = float(num(_scalar_value(k, fn(B.reshape(up, tuple(x.shape))), op)))
        fd = float(num(_scalar_value(k, fn(B.reshape(dn, tuple(x.shape))), op)))
        out.append((fu - fd) / (2 * h))
    return B.reshape(B.asarray(out, "f"), tuple(x.shape))


def _flat_values(k: Any, r: Any) -> list[float]:
    v = k.verbs
    if v.is_num(r):
        return [float(v.num(r))]
    if v.isarr(r):
        return [float(e) for e in k.backend.tolist(k.backend.reshape(r, (-1,)))]
    if type(r) is list and all(v.is_num(e) for e in r):
        return [float(v.num(e)) for e in r]
    raise KlongError(f"{PARTIAL}: the function must return a number or a numeric list")


def numeric_jacobian(k: Any, fn: Callable[[Any], Any], x: Any) -> Any:
    """J[i;j] = d f_i / d x_j by central differences, as an m x n matrix."""
    B = k.backend
    flat = B.reshape(x, (-1,)) if k.verbs.isarr(x) else B.asarray([x], "f")
    shape = tuple(x.shape) if k.verbs.isarr(x) else None
    cols = []
    for j in range(flat.shape[0]):
        xj = float(B.scalar(flat[j]))
        h = _step(k, xj)
        up, dn = B.copy(flat), B.copy(flat)
        up[j] = xj + h
        dn[j] = xj - h
        arg_u = B.reshape(up, shape) if shape is not None else xj + h
        arg_d = B.reshape(dn, shape) if shape is not None else xj - h
        fu, fd = _flat_values(k, fn(arg_u)), _flat_values(k, fn(arg_d))
        cols.append([(a - b) / (2 * h) for a, b in zip(fu, fd)])
    rows = [list(r) for r in zip(*cols)]
    return B.asarray(rows, "f")


# -- differentiating with respect to global variables ------------------------------

class Globals:
    """Temporarily rebinds named globals; always restores them."""

    def __init__(self, k: Any, names: Sequence[str]):
        self.k, self.names = k, list(names)
        for n in self.names:
            if n not in k.globals:
                raise KlongError(f"cannot differentiate with respect to {n}: not a defined variable")
        self.saved = [k.globals[n] for n in self.names]

    def restore(self) -> None:
        for n, val in zip(self.names, self.saved):
            self.k.globals[n] = val


def _call_loss(k: Any, f: KFunction) -> Any:
    return f.call([]) if f.arity == 0 else k.apply(f, [[]] * f.arity)


def gradients_wrt(k: Any, f: KFunction, names: Sequence[str], op: str = ":>") -> list:
    """Gradient of the loss ``f`` with respect to each named global."""
    return value_and_gradients(k, f, names, op)[1]


def value_and_gradients(k: Any, f: Any, names: Sequence[str], op: str = ":>") -> tuple[Any, list]:
    """The loss value and its gradients w.r.t. the named globals, in one pass
    where the backend has autograd (public: optimizers are built on it)."""
    if isinstance(f, str):
        f = k.globals[f]
    names = [n.name if isinstance(n, Symbol) else str(n) for n in names]
    g = Globals(k, names)
    try:
        points = [_as_point(k, val) for val in g.saved]

        def loss(*vals: Any) -> Any:
            for n, val in zip(names, vals):
                k.globals[n] = val
            return _scalar_value(k, _call_loss(k, f), op)

        pm = _hooks(k)
        if pm is not None:
            res = pm.hook.klong_value_and_grads(backend=k.backend, fn=loss, xs=points)
            if res is not None:
                return res[0], list(res[1])
        value = loss(*points)
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


def jacobians_wrt(k: Any, f: KFunction, names: Sequence[str]) -> list:
    g = Globals(k, names)
    try:
        points = [_as_point(k, val) for val in g.saved]
        out = []
        for i, n in enumerate(names):
            def partial(x: Any, n: str = n) -> Any:
                k.globals[n] = x
                return _call_loss(k, f)
            out.append(jacobian(k, partial, points[i]))
            g.restore()
        return out
    finally:
        g.restore()


# -- operators ---------------------------------------------------------------------

def gradient(k: Any, fn: Callable[[Any], Any], x: Any, op: str = ":>") -> Any:
    x = _as_point(k, x)
    pm = _hooks(k)
    if pm is not None:
        r = pm.hook.klong_gradient(backend=k.backend, fn=lambda p: _scalar_value(k, fn(p), op), x=x)
        if r is not None:
            return r
    return numeric_gradient(k, fn, x, op)


def jacobian(k: Any, fn: Callable[[Any], Any], x: Any) -> Any:
    x = _as_point(k, x)
    pm = _hooks(k)
    if pm is not None:
        r = pm.hook.klong_jacobian(backend=k.backend, fn=fn, x=x)
        if r is not None:
            return r
    return numeric_jacobian(k, fn, x)


def _names(k: Any, v: Any) -> list[str] | None:
    """A list of symbols (the names of globals), or None."""
    if isinstance(v, Symbol):
        return [v.name]
    if type(v) is list and v and all(isinstance(e, Symbol) for e in v):
        return [e.name for e in v]
    return None


def _need_fn(op: str, f: Any) -> KFunction:
    if not isinstance(f, KFunction):
        raise KlongError(f"{op}: expected a function to differentiate")
    return f


def compile_grad(k: Any, op: str, left: Callable, right: Callable, lnode: Node, rnode: Node,
                 where: Callable) -> Callable[[], Any]:
    """The closure for ``f:>x`` / ``x∇f`` / ``x∂f``."""
    # the operand that names the point: right of :>, left of ∇ and ∂
    point_node = rnode if op == ":>" else lnode
    bare = point_node.name if isinstance(point_node, Var) else None

    def run() -> Any:
        b = right()
        a = left()
        try:
            f, point = (_need_fn(op, a), b) if op == ":>" else (_need_fn(op, b), a)
            if f.arity == 0 and bare is not None:  # loss:>w -- w names a global
                name = bare
                if op == PARTIAL:
                    return jacobians_wrt(k, f, [name])[0]
                if op == NABLA:
                    return _numeric_wrt(k, f, [name])[0]
                return gradients_wrt(k, f, [name], op)[0]
            names = _names(k, point)
            if names is not None:
                if op == PARTIAL:
                    return k.verbs.mklist(jacobians_wrt(k, f, names))
                if op == NABLA:
                    return k.verbs.mklist(_numeric_wrt(k, f, names))
                return k.verbs.mklist(gradients_wrt(k, f, names, op))
            call = lambda x: k.apply(f, [x]) if f.arity else f.call([])  # noqa: E731
            if op == ":>":
                return gradient(k, call, point, op)
            if op == NABLA:
                return numeric_gradient(k, call, _as_point(k, point), op)
            return jacobian(k, call, point)
        except KlongError as e:
            raise where(e) from None

    return run


def _numeric_wrt(k: Any, f: KFunction, names: list[str]) -> list:
    g = Globals(k, names)
    try:
        out = []
        for n in names:
            def loss(x: Any, n: str = n) -> Any:
                k.globals[n] = x
                return _call_loss(k, f)
            out.append(numeric_gradient(k, loss, _as_point(k, k.globals[n]), NABLA))
            g.restore()
        return out
    finally:
        g.restore()
