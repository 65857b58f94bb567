"""Optimizers for Klong loss functions, written in Python.

Copy this file next to a Klong program and import a class from it::

    .pyf("optimizers";"AdamOptimizer")
    w::1.0; b::0.0; X::[1 2 3]; Y::[3 5 7]
    loss::{(+/((w*X)+b-Y)^2)%3}
    opt::AdamOptimizer(klong;["w" "b"];:{["lr" 0.1]})
    {opt(loss)}'!500

An optimizer is created with the interpreter (``klong`` in Klong code; it may be
left out there, Klong passes it anyway), the names of the global variables it
trains, and a dictionary of options. Calling it with a loss function (a nilad
of those globals) takes one step and returns the loss before the step.

Each step computes the loss and the gradients of all parameters in one call of
:func:`klong.value_and_gradients` (one forward and one backward pass on torch;
central differences on numpy). Parameters and optimizer state stay the
backend's own values -- numbers, numpy arrays or tensors on the interpreter's
device -- and are updated with the arrays' own arithmetic, so nothing makes a
round trip through the host between steps.
"""

from __future__ import annotations

from typing import Any, Iterable

from klong import KlongError, value_and_gradients

__klong_exports__ = None  # set at the end: what `.py("optimizers")` binds


class Optimizer:
    """Common machinery: the parameters, the options, one step per call."""

    defaults: dict[str, float] = {"lr": 0.01}

    def __init__(self, klong: Any, names: Iterable[Any] | str, options: dict | None = None,
                 **kwargs: float):
        self.k = klong
        if isinstance(names, str):
            names = [names]
        # names may come from Klong as strings or symbols (`:w`)
        self.names = [getattr(n, "name", n) for n in names]
        opts = {getattr(key, "name", key): val for key, val in {**(options or {}), **kwargs}.items()}
        unknown = set(opts) - set(self.defaults)
        if unknown:
            raise ValueError(f"unknown option(s) {sorted(unknown)}; "
                             f"{type(self).__name__} takes {sorted(self.defaults)}")
        self.options = {**self.defaults, **{key: float(val) for key, val in opts.items()}}
        for n in self.names:
            if n not in klong.globals:
                raise KlongError(f"{type(self).__name__}: {n} is not a defined variable")
        self.steps = 0

    def params(self) -> list[Any]:
        """The current values of the trained globals, as reals."""
        B, out = self.k.backend, []
        for n in self.names:
            p = self.k.globals[n]
            if isinstance(p, B.array_type):
                out.append(B.to_float(p))
            elif isinstance(p, (int, float)):
                out.append(float(p))
            else:
                raise KlongError(f"{type(self).__name__}: {n} must be a number or a numeric array")
        return out

    def __call__(self, loss: Any) -> Any:
        """One step on ``loss`` (a Klong function or the name of one); returns
        the loss before the step."""
        f = loss if isinstance(loss, str) else self.k.to_klong(loss)
        value, grads = value_and_gradients(self.k, f, self.names)
        self.steps += 1
        new = self.update(self.params(), grads)
        for n, p in zip(self.names, new):
            self.k.globals[n] = p
        return value

    def update(self, params: list[Any], grads: list[Any]) -> list[Any]:  # pragma: no cover
        raise NotImplementedError

    def __repr__(self) -> str:
        opts = " ".join(f"{key}={val:g}" for key, val in self.options.items())
        return f"{type(self).__name__}({' '.join(self.names)}; {opts}; {self.steps} steps)"


class SGDOptimizer(Optimizer):
    """Stochastic gradient descent, with optional (heavy-ball) momentum:
    ``v = momentum*v + g; p = p - lr*v``."""

    defaults = {"lr": 0.01, "momentum": 0.0}

    def __init__(self, klong: Any, names: Iterable[Any] | str, options: dict | None = None,
                 **kwargs: float):
        super().__init__(klong, names, options, **kwargs)
        self.velocity: list[Any] | None = None

    def update(self, params: list[Any], grads: list[Any]) -> list[Any]:
        lr, mu = self.options["lr"], self.options["momentum"]
        if mu == 0.0:
            return [p - lr * g for p, g in zip(params, grads)]
        if self.velocity is None:
            self.velocity = [g * 0.0 for g in grads]  # zeros of the gradient's kind, on its device
        self.velocity = [mu * v + g for v, g in zip(self.velocity, grads)]
        return [p - lr * v for p, v in zip(params, self.velocity)]


class AdamOptimizer(Optimizer):
    """Adam (Kingma and Ba, 2015) with bias-corrected first and second moments."""

    defaults = {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}

    def __init__(self, klong: Any, names: Iterable[Any] | str, options: dict | None = None,
                 **kwargs: float):
        super().__init__(klong, names, options, **kwargs)
        self.m: list[Any] | None = None
        self.v: list[Any] | None = None

    def update(self, params: list[Any], grads: list[Any]) -> list[Any]:
        o, t = self.options, self.steps
        b1, b2 = o["beta1"], o["beta2"]
        if self.m is None or self.v is None:
            self.m = [g * 0.0 for g in grads]
            self.v = [g * 0.0 for g in grads]
        self.m = [b1 * m + (1 - b1) * g for m, g in zip(self.m, grads)]
        self.v = [b2 * v + (1 - b2) * g * g for v, g in zip(self.v, grads)]
        c1, c2 = 1 - b1 ** t, 1 - b2 ** t  # bias correction of the zero-initialised moments
        sqrt = self.k.backend.math  # elementwise, on the backend's device
        return [p - o["lr"] * (m / c1) / (sqrt("sqrt", v / c2) + o["eps"])
                for p, m, v in zip(params, self.m, self.v)]


__klong_exports__ = {"SGDOptimizer": SGDOptimizer, "AdamOptimizer": AdamOptimizer}
