"""Elementwise transcendental functions bound to the backend's own primitives.

Klong itself has no exp/log/trigonometry; the standard library's ``math``
module (``lib/math.kg``) gives them their user-facing names (``exp``, ``ln``,
``sqrt`` ...) by binding these system functions. They are atomic: a number
gives a real, a numeric array is handed to the backend in one call (fast, and
on torch a tensor that carries a gradient keeps carrying it), and a nested
list is mapped element by element.

The names start with a dot like every system function and are not used by
the spec (whose ``.e`` is epsilon, hence ``.exp`` and ``.ln``, not ``.e``/``.log``).
"""

from __future__ import annotations

import warnings
from typing import Any, Callable

from .errors import KlongError
from .values import Builtin

#: Klong name -> the name of the backend's elementwise function (Backend.math)
FUNCTIONS = {
    ".exp": "exp", ".ln": "log", ".sqrt": "sqrt",
    ".sin": "sin", ".cos": "cos", ".tan": "tan",
    ".asin": "asin", ".acos": "acos", ".atan": "atan",
    ".sinh": "sinh", ".cosh": "cosh", ".tanh": "tanh",
}


def install(k: Any) -> None:
    """Bind every function of :data:`FUNCTIONS` in interpreter ``k``."""
    for name, op in FUNCTIONS.items():
        k.globals[name] = Builtin(name, 1, elementwise(k, name, op))


def elementwise(k: Any, name: str, op: str) -> Callable[[Any], Any]:
    """The monad applying backend function ``op`` to every number in its argument."""
    B, verbs = k.backend, k.verbs
    AT = B.array_type

    def on_backend(a: Any) -> Any:
        # ln(0), sqrt(-1), exp(1000) are -inf, nan, inf, as the backend computes
        # them; NumPy's warnings about them must not reach the user's terminal
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            try:
                return B.math(op, a)
            except OverflowError:
                raise KlongError(f"{name}: a number too large for a real") from None

    def apply(a: Any) -> Any:
        t = type(a)
        if t is int or t is float:
            return on_backend(a)
        if isinstance(a, AT):
            r = on_backend(a)
            # a 0-d result is a number, unless the backend must keep it (gradients)
            return B.scalar(r) if getattr(r, "ndim", 0) == 0 and isinstance(r, AT) else r
        if t is list:
            return verbs.mklist([apply(e) for e in a])
        raise KlongError(f"{name}: type error: expected numbers, got {k.show(a)}")

    apply.__name__ = name
    return apply
