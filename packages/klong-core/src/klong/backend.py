"""The backend protocol: what an array library must provide to run Klong.

Core keeps every non-numeric value (strings, characters, symbols, dictionaries,
functions, ragged lists) in its own Python representation. Uniform numeric
lists -- vectors, matrices, N-arrays of integers or reals -- live on the
backend as its native arrays. Core computes on them with Python's operators,
with NumPy's meaning (``+ - * / ** %``, unary ``-``, ``abs``, ``< <= > >= ==
!=``, ``& | ~`` on booleans, mixed with Python numbers; ``len``, ``.shape``,
``.ndim``; indexing with an int, a slice or an integer array), which NumPy
arrays and torch tensors both support, plus the methods below, which cover
what those operators cannot say the same way in every library. Core never
writes into an array: it asks :meth:`Backend.update` for a new one, so
immutable arrays (JAX) and lazy ones (Dask) work. docs/backends.md is the
author's guide.

Arrays that carry a gradient (the point of a differentiation and everything
computed from it while a differentiation hook runs) reach every method except
:meth:`Backend.tolist` and :meth:`Backend.to_host`, which core calls on them
only when a program prints such a value or hands it to Python. Where a value
decides a structure (a count, an index, an order, a key), core asks a method
whose answer has no derivative: :meth:`Backend.kind`, :meth:`Backend.to_int`
(its result carries no gradient), comparisons, :meth:`Backend.nonzero`,
:meth:`Backend.argsort`, :meth:`Backend.any`, :meth:`Backend.all` and
:meth:`Backend.extent`, which answer from the values.

Arrays handed to core hold one of two kinds of element: ``"i"`` (64-bit
integers) or ``"f"`` (reals: float64, or float32 where the device has nothing
wider). Booleans never escape a backend method: comparisons are converted with
:meth:`Backend.to_int`.

A backend never knows Klong syntax, and core never asks which backend it runs
on: a behaviour that differs between libraries is a method here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

Array = Any  # a backend's native array type


@dataclass(frozen=True)
class BackendInfo:
    """How a backend distribution describes itself to core (returned by the
    ``klong_backend`` hook).

    ``name`` equals the entry point's name. ``factory(device=None,
    precision=None)`` builds a :class:`Backend` (``device``: the answer of
    ``klong_select_device``, else the user's request; ``precision``: None for
    the best, 32 or 64; raise ``ValueError`` for what cannot be had).
    ``devices()`` lists the devices usable on this machine (cheap: it runs when
    backends are listed). ``float64``: reals can be 64-bit. ``autograd``: the
    differentiation hooks answer exactly (the conformance kit then checks exact
    derivatives too). ``description``: one line for ``klong --list-backends``.
    """

    name: str
    factory: Callable[..., "Backend"]
    devices: Callable[[], list[str]] = field(default=lambda: ["cpu"])
    float64: bool = True
    autograd: bool = False
    description: str = ""


class Backend:
    """Base class of every backend. Subclasses must fill in the methods that
    raise ``NotImplementedError`` (the required ones); the others have portable
    defaults written with the required methods and Python's operators, which a
    backend overrides only for speed. Methods are called with the backend's
    own arrays (``array_type``) unless a docstring says a Python number may
    come too. Exceptions raised here reach the user as Klong errors (core adds
    the operator and the position), so their messages should be readable.
    docs/backends.md says the same, with a complete example."""

    #: short name used by ``--backend`` and ``KlongInterpreter(backend=...)``
    name: str = "abstract"
    #: the device computations run on, as the library names it ("cpu", "cuda:0")
    device: str = "cpu"
    #: the native array class (or tuple of classes), for fast isinstance checks
    array_type: Any = ()
    #: True when reals are 64-bit on this device
    float64: bool = True
    #: True when arrays live in this process's memory; a backend whose arrays
    #: are computed chunk by chunk elsewhere (Dask) says False, and core then
    #: lets an array be larger than this machine's memory
    resident: bool = True
    #: True when the library's own arithmetic already gives reals of the
    #: backend's precision where integers meet reals (``x*1.5``, ``x<0.5``) or
    #: are divided (``x%y``), as NumPy's does at float64; core and the default
    #: :meth:`true_divide` then skip converting the integers first (a pass and a copy)
    mixes_reals: bool = False

    # -- creation and conversion -------------------------------------------------
    def asarray(self, data: Any, kind: str | None = None) -> Array:
        """An array from a (nested) Python list of numbers, a NumPy array, or
        another library's array. ``kind`` forces "i" or "f"; by default ints
        stay ints and reals stay reals (and bools become ints)."""
        raise NotImplementedError

    def arange(self, n: int) -> Array:
        """The integers 0..n-1 as a kind "i" vector."""
        raise NotImplementedError

    def kind(self, a: Array) -> str:
        """"i" for integer arrays, "f" for reals."""
        raise NotImplementedError

    def to_int(self, a: Array) -> Array:
        """Convert (booleans, reals truncated toward zero) to kind "i". The
        result carries no gradient (truncation has derivative zero)."""
        raise NotImplementedError

    def to_float(self, a: Array) -> Array:
        """Convert to kind "f" at the backend's real precision."""
        raise NotImplementedError

    def to_host(self, a: Array) -> Any:
        """A NumPy array holding the same values (for interop). Default: built
        from :meth:`tolist` (imports NumPy)."""
        import numpy

        return numpy.asarray(self.tolist(a))

    def tolist(self, a: Array) -> list:
        """Nested Python lists of Python ints and floats. Core calls it on an
        array carrying a gradient only to print it or hand it to Python."""
        raise NotImplementedError

    def scalar(self, a: Array) -> Any:
        """A 0-d array as a Python number, unless it must stay an array (for
        instance because it carries a gradient)."""
        raise NotImplementedError

    def elements(self, a: Array) -> list:
        """The elements of an array of rank >= 1 along its first axis, as Klong
        values: numbers (via :meth:`scalar`) for a vector, sub-arrays otherwise."""
        return [self.scalar(e) for e in a] if a.ndim == 1 else list(a)

    # -- structure ------------------------------------------------------------
    def concat(self, arrays: Sequence[Array]) -> Array:
        """Join arrays of rank >= 1 and of one kind along the first axis."""
        raise NotImplementedError

    def stack(self, arrays: Sequence[Array]) -> Array:
        """Stack equal-shaped arrays of one kind (0-d ones too) along a new
        first axis. Default: :meth:`concat` of each reshaped to ``(1, *shape)``."""
        return self.concat([self.reshape(a, (1, *tuple(a.shape))) for a in arrays])

    def reshape(self, a: Array, shape: Sequence[int]) -> Array:
        """``a`` with a new shape of the same size; one entry may be -1 (inferred);
        ``()`` makes a 0-d array of a one-element array."""
        raise NotImplementedError

    def flip(self, a: Array) -> Array:
        """Reverse along the first axis. Default: integer-array indexing."""
        n = a.shape[0]
        return a[(n - 1) - self.arange(n)]

    def roll(self, a: Array, k: int) -> Array:
        """Rotate along the first axis, ``k`` places to the right (``k`` may be
        negative or larger than the length). Default: integer-array indexing."""
        n = a.shape[0]
        if n == 0:
            return self.copy(a)
        return a[self.fmod(self.arange(n) + (n - k % n), n)]

    def transpose(self, a: Array) -> Array:
        """Swap the first two axes."""
        raise NotImplementedError

    def repeat(self, a: Array, counts: Array) -> Array:
        """Repeat element i of vector ``a`` counts[i] times (``counts``: a kind
        "i" vector of the same length, no negatives). Default: indexing with
        indices built in Python."""
        idx = [i for i, c in enumerate(self.tolist(counts)) for _ in range(c)]
        return a[self.asarray(idx, "i")]

    def nonzero(self, a: Array) -> Array:
        """Indices of the non-zero (or true) elements of a vector, kind "i"."""
        raise NotImplementedError

    def argsort(self, a: Array, descending: bool = False) -> Array:
        """Stable sort order of a vector, kind "i" (equal elements keep their
        order, also when ``descending``)."""
        raise NotImplementedError

    def where(self, cond: Array, a: Any, b: Any) -> Array:
        """Elementwise ``a`` where ``cond`` (a boolean or 0/1 array) holds, else
        ``b``; ``a`` and ``b`` are arrays or Python numbers (broadcast)."""
        raise NotImplementedError

    def copy(self, a: Array) -> Array:
        """A new array with the values of ``a``, which a backend may write into
        without changing ``a`` (core itself never writes: see :meth:`update`).
        Default: integer-array indexing (a copy in NumPy and torch)."""
        return a[self.arange(a.shape[0])] if a.ndim else a * 1

    def update(self, a: Array, index: Any, value: Any) -> Array:
        """A new array: ``a`` with each item at ``index`` along the first axis
        (a Python int, or a kind "i" vector of distinct indices) replaced by
        ``value`` (a number, possibly a 0-d array, or an array shaped like one
        item); ``a`` itself is left unchanged. Amend (``:=``) and numeric
        differentiation use it; gradients that ``a`` and ``value`` carry must
        flow into the result. Default: :meth:`copy`, then ``r[index] = value``."""
        r = self.copy(a)
        r[index] = value
        return r

    # -- arithmetic without a portable operator ---------------------------------
    def floor(self, a: Array) -> Array:
        """Floor of reals (result stays real)."""
        raise NotImplementedError

    def fmod(self, a: Array, b: Any) -> Array:
        """Remainder of truncated division (sign of the dividend) of kind "i"
        operands; ``b`` is an array or a Python int, never zero (core checks)."""
        raise NotImplementedError

    def trunc_div(self, a: Array, b: Any) -> Array:
        """Integer quotient of kind "i" operands, truncated toward zero; ``b``
        is an array or a Python int, never zero (core checks)."""
        raise NotImplementedError

    def true_divide(self, a: Any, b: Any) -> Array:
        """``a / b`` as reals at the backend's precision (at least one operand
        is an array, the other may be a Python number; no divisor is zero).
        Default: plain ``/`` where :attr:`mixes_reals` says the library's
        division of integers gives such reals, else integer operands through
        :meth:`to_float` first."""
        if self.mixes_reals:
            return a / b
        if isinstance(a, self.array_type) and self.kind(a) == "i":
            a = self.to_float(a)
        if isinstance(b, self.array_type) and self.kind(b) == "i":
            b = self.to_float(b)  # both: NumPy's float32 / int64 would give float64
        return a / b

    def minimum(self, a: Any, b: Any) -> Array:
        """Elementwise smaller of ``a`` and ``b`` (at least one is an array).
        Default: :meth:`where`."""
        return self.where(a <= b, a, b)

    def maximum(self, a: Any, b: Any) -> Array:
        """Elementwise larger of ``a`` and ``b`` (at least one is an array).
        Default: :meth:`where`."""
        return self.where(a >= b, a, b)

    def math(self, fn: str, a: Any) -> Any:
        """Elementwise ``exp log sqrt sin cos tan asin acos atan sinh cosh
        tanh abs`` of an array or a number; the result is real."""
        raise NotImplementedError

    # -- reductions along the first axis ----------------------------------------
    def reduce(self, op: str, a: Array) -> Any:
        """``op`` is "sum", "prod", "max" or "min"; reduces the first axis.
        A 0-d result comes back as a Python number (see :meth:`scalar`).
        Integer "sum" and "prod" must be exact: where the true result leaves
        the int64 range, return Python ints (a number, or a list for rank > 1)."""
        raise NotImplementedError

    def matmul(self, a: Array, b: Array) -> Array:
        """The matrix product of a matrix and a matrix or vector of the same
        kind (integers only where no sum leaves int64). Default: ``a @ b``."""
        return a @ b

    def reduce_in_range(self, op: str, a: Array) -> Any:
        """:meth:`reduce` where core has proven that an integer "sum" stays in
        the int64 range (from the operand's known extent), so no exactness
        check is needed. Default: :meth:`reduce`."""
        return self.reduce(op, a)

    def scan(self, op: str, a: Array) -> Array:
        """Running ``op`` ("sum", "prod", "max", "min") along the first axis.
        Integer "sum" and "prod" must be exact, as for :meth:`reduce` (return a
        Python list of ints when a partial result leaves the int64 range)."""
        raise NotImplementedError

    def extent(self, a: Array) -> tuple[Any, Any]:
        """(smallest, largest) element of a non-empty array, as Python numbers
        (also for an array carrying a gradient: from its values)."""
        flat = self.reshape(a, (-1,))
        return self.reduce("min", flat), self.reduce("max", flat)

    def synchronize(self, value: Any = None) -> None:
        """Wait until the work that computes ``value`` (a Klong value: an array,
        a number, or a list holding arrays) has finished, and any other queued
        device work; ``]time`` and the benchmarks call it with the result they
        time. The default, for synchronous libraries, does nothing."""

    def settle(self, a: Array) -> Array:
        """``a``, about to be kept: stored in a variable, or carried to the next
        round of a loop (``:~``, ``:*``). Default: ``a`` itself. A lazy library
        returns an array of the same values whose plan does not keep growing
        with the program's history (a loop would otherwise build a plan as long
        as the loop, and pay for all of it at each computation). Core calls it
        only on backends that override it."""
        return a

    def traced(self, a: Array) -> bool:
        """Whether ``a`` carries a gradient being traced. Core asks only while
        a differentiation hook runs, and then keeps such an array in the
        library: an operation that would read its elements to Python (an
        exact-integer fallback) uses the plain array operation instead.
        Default: True (every array is taken as traced then, which keeps
        gradients right); a backend says False for arrays without a gradient
        so that they keep Klong's exact integers inside a differentiated
        function too."""
        return True

    def any(self, a: Array) -> bool:
        """Whether some element of ``a`` (any rank, boolean or numeric) is
        non-zero, as a Python bool. Default: :meth:`nonzero`."""
        return self.nonzero(self.to_int(self.reshape(a, (-1,)) != 0)).shape[0] > 0

    def all(self, a: Array) -> bool:
        """Whether every element of ``a`` is non-zero, as a Python bool.
        Default: :meth:`nonzero`."""
        return self.nonzero(self.to_int(self.reshape(a, (-1,)) == 0)).shape[0] == 0

    # -- misc ------------------------------------------------------------------
    def random(self, n: int | None = None) -> Any:
        """A uniform random real in [0,1) as a Python float, or a kind "f"
        vector of ``n`` of them. Default: Python's :mod:`random`."""
        import random

        if n is None:
            return random.random()
        return self.asarray([random.random() for _ in range(n)], "f")


# -- the plain evaluator's view of a backend -----------------------------------
#: the methods above with a portable default, which a backend overrides only for
#: speed; the plain evaluator (no fast paths, ``KLONG_NO_FAST_PATHS=1``) answers
#: them with the defaults. ``traced`` is left out: its default is no shortcut
#: but a conservative answer (it would change what differentiation computes).
PORTABLE = ("all", "any", "copy", "elements", "extent", "flip", "matmul", "maximum",
            "minimum", "random", "reduce_in_range", "repeat", "roll", "settle", "stack",
            "synchronize", "to_host", "true_divide", "update")
_PLAIN_CLASSES: dict[type, type] = {}


def plain_view(backend: Backend) -> Backend:
    """``backend`` with every method of :data:`PORTABLE` put back to
    :class:`Backend`'s default and ``mixes_reals`` False (integers meeting
    reals are converted first). The view shares the backend's state; the
    backend itself is left unchanged."""
    cls = type(backend)
    view = _PLAIN_CLASSES.get(cls)
    if view is None:
        defaults = {name: vars(Backend)[name] for name in PORTABLE}
        view = _PLAIN_CLASSES[cls] = type(f"Plain{cls.__name__}", (cls,), defaults)
    b = object.__new__(view)
    b.__dict__.update(vars(backend))
    b.mixes_reals = False
    return b
