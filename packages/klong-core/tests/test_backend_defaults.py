"""The protocol's portable defaults (``klong.backend.Backend``): a backend that
implements only the required methods runs the whole language.

``Required`` is the NumPy backend with every defaulted method put back to
core's default, so each default is exercised by every conformance case.
"""

from __future__ import annotations

import inspect

import pytest

from klong import KlongInterpreter
from klong.backend import Backend
from klong.conformance.runner import check, load_cases

numpy_backend = pytest.importorskip("klong_numpy.backend")

DEFAULTED = sorted(name for name, fn in inspect.getmembers(Backend, inspect.isfunction)
                   if not name.startswith("_")
                   and "raise NotImplementedError" not in inspect.getsource(fn))


class Required(numpy_backend.NumpyBackend):
    """NumPy's backend with only the required methods of its own."""


for _name in DEFAULTED:
    setattr(Required, _name, getattr(Backend, _name))

CASES = load_cases()


def test_the_defaults_are_the_documented_ones() -> None:
    assert DEFAULTED == ["all", "any", "copy", "elements", "extent", "flip", "matmul", "maximum",
                         "minimum", "random", "reduce_in_range", "repeat", "roll", "settle", "stack",
                         "synchronize", "to_host", "traced", "true_divide", "update"]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_language_on_defaults(case) -> None:
    check(lambda: KlongInterpreter(backend=Required()), case)


def test_defaults_directly() -> None:
    b = Required()
    v = b.asarray([1, 2, 3, 4])
    assert b.tolist(b.flip(v)) == [4, 3, 2, 1]
    assert [b.tolist(b.roll(v, k)) for k in (1, -1, 5, 0)] == [
        [4, 1, 2, 3], [2, 3, 4, 1], [4, 1, 2, 3], [1, 2, 3, 4]]
    assert b.tolist(b.roll(b.asarray([], "i"), 3)) == []
    assert b.tolist(b.repeat(v, b.asarray([0, 2, 1, 0]))) == [2, 2, 3]
    assert b.kind(b.repeat(v, b.asarray([0, 0, 0, 0]))) == "i"
    c = b.copy(v)
    c[0] = 9
    assert b.tolist(v) == [1, 2, 3, 4]
    m = b.asarray([[1.5, 2.5], [3.5, 4.5]])
    assert b.tolist(b.stack([m, m]))[1] == [[1.5, 2.5], [3.5, 4.5]]
    assert b.tolist(b.stack([b.reshape(b.asarray([7]), ()), b.reshape(b.asarray([8]), ())])) == [7, 8]
    assert b.tolist(b.minimum(v, 2)) == [1, 2, 2, 2] and b.tolist(b.maximum(2.5, v)) == [2.5, 2.5, 3, 4]
    assert b.any(v > 3) and not b.any(v > 4) and not b.any(b.asarray([], "f"))
    assert b.all(v > 0) and not b.all(m > 2) and b.all(b.asarray([], "i"))
    assert b.extent(m) == (1.5, 4.5)
    r = b.random(5)
    assert b.kind(r) == "f" and r.shape == (5,) and b.all(r >= 0) and b.all(r < 1)
    assert 0 <= b.random() < 1
    assert b.to_host(m).tolist() == [[1.5, 2.5], [3.5, 4.5]]
    for q, want in ((b.true_divide(v, 8), [0.125, 0.25, 0.375, 0.5]),
                    (b.true_divide(3, b.asarray([2, 4])), [1.5, 0.75]),
                    (b.true_divide(b.asarray([1.0, 3.0]), b.asarray([2, 4])), [0.5, 0.75])):
        assert b.kind(q) == "f" and q.dtype == b.fdtype and b.tolist(q) == want
