"""TorchBackend against NumpyBackend: every protocol method gives the same values and kinds."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
import torch

from klong.backend import Backend
from klong_numpy.backend import NumpyBackend
from klong_torch.backend import TorchBackend

NP = NumpyBackend()
TB = TorchBackend(device="cpu")

INTS = [[5, -3, 0, 7, -7, 2], [1], []]
REALS = [[2.5, -1.5, 0.0, 3.25, -7.75], [1e-3]]
MATRIX = [[1, 2, 3], [4, 5, 6]]


def same(t: object, n: object) -> None:
    """Equal values and equal kinds (ints stay ints, reals are 64-bit)."""
    if isinstance(n, np.ndarray):
        assert isinstance(t, torch.Tensor), t
        assert TB.kind(t) == NP.kind(n)
        assert list(t.shape) == list(n.shape)
        assert str(t.dtype).removeprefix("torch.") == str(n.dtype)
        np.testing.assert_array_equal(t.numpy(), n)
    else:
        assert type(t) is type(n), (t, n)
        assert t == n or (t != t and n != n)


def test_every_protocol_method_is_implemented() -> None:
    abstract = [m for m, f in inspect.getmembers(Backend, inspect.isfunction)
                if "raise NotImplementedError" in inspect.getsource(f)]
    assert len(abstract) >= 15  # the required methods; the rest have portable defaults
    for m in abstract:
        assert getattr(TorchBackend, m) is not getattr(Backend, m), m


def test_attributes() -> None:
    assert TB.name == "torch" and TB.device == "cpu" and TB.array_type is torch.Tensor
    assert TB.float64 and TB.fdtype is torch.float64
    b32 = TorchBackend(device="cpu", precision=32)
    assert not b32.float64 and b32.to_float(b32.arange(3)).dtype is torch.float32
    with pytest.raises(ValueError, match="precision"):
        TorchBackend(device="cpu", precision=16)


@pytest.mark.parametrize("data", [*INTS, *REALS, MATRIX, [True, False], 3, 2.5,
                                  np.array([1, 2], dtype=np.int32), np.float32([1.5])])
@pytest.mark.parametrize("kind", [None, "i", "f"])
def test_asarray(data: object, kind: str | None) -> None:
    same(TB.asarray(data, kind), NP.asarray(data, kind))


def test_asarray_from_tensors_and_readonly_arrays() -> None:
    f32 = torch.tensor([1.0, 2.0], dtype=torch.float32)
    assert TB.asarray(f32).dtype == torch.float32  # a given narrower float keeps its dtype
    same(TB.asarray(f32, "f"), NP.asarray([1.0, 2.0]))  # asked for the backend's reals
    same(TB.asarray(torch.tensor([True, False])), NP.asarray([1, 0]))
    ro = np.arange(4)
    ro.flags.writeable = False
    same(TB.asarray(ro), NP.asarray(ro))
    t = TB.asarray([1.0])
    assert TB.asarray(t) is t  # already on the device at the right dtype: no copy
    with pytest.raises(TypeError):
        TB.asarray(["a", "b"])
    with pytest.raises(TypeError):
        TB.asarray([2**70])  # beyond int64: core's exact-integer path, not an array


def test_creation_and_conversion() -> None:
    same(TB.arange(5), NP.arange(5))
    same(TB.arange(0), NP.arange(0))
    for d in [*INTS, *REALS]:
        t, n = TB.asarray(d), NP.asarray(d)
        assert TB.kind(t) == NP.kind(n)
        same(TB.to_int(t), NP.to_int(n))
        same(TB.to_float(t), NP.to_float(n))
        np.testing.assert_array_equal(TB.to_host(t), NP.to_host(n))
        assert TB.tolist(t) == NP.tolist(n)
    same(TB.to_int(TB.asarray([-2.7, 2.7])), NP.to_int(NP.asarray([-2.7, 2.7])))


def test_scalar() -> None:
    same(TB.scalar(TB.asarray(3)), NP.scalar(NP.asarray(3)))
    same(TB.scalar(TB.asarray(2.5)), NP.scalar(NP.asarray(2.5)))
    g = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    assert TB.scalar(g) is g  # a value carrying a gradient stays a tensor
    assert TB.scalar(7) == 7


@pytest.mark.parametrize("data", [INTS[0], REALS[0], MATRIX, [[1.5, 2.5], [3.5, 4.5]]])
def test_structure(data: list) -> None:
    t, n = TB.asarray(data), NP.asarray(data)
    same(TB.concat([t, t]), NP.concat([n, n]))
    same(TB.stack([t, t]), NP.stack([n, n]))
    same(TB.flip(t), NP.flip(n))
    for k in (0, 1, -2, 7):
        same(TB.roll(t, k), NP.roll(n, k))
    same(TB.copy(t), NP.copy(n))
    same(TB.reshape(t, [-1]), NP.reshape(n, [-1]))
    same(TB.reshape(t, [1, -1]), NP.reshape(n, [1, -1]))
    if t.ndim > 1:
        same(TB.transpose(t), NP.transpose(n))


def test_concat_promotes_like_numpy() -> None:
    same(TB.concat([TB.asarray([1, 2]), TB.asarray([0.5])]),
         NP.concat([NP.asarray([1, 2]), NP.asarray([0.5])]))


def test_repeat_nonzero_where() -> None:
    t, n = TB.asarray([4, 5, 6]), NP.asarray([4, 5, 6])
    same(TB.repeat(t, TB.asarray([2, 0, 3])), NP.repeat(n, NP.asarray([2, 0, 3])))
    same(TB.repeat(t, [1, 1, 2]), NP.repeat(n, np.asarray([1, 1, 2])))
    same(TB.repeat(t, 2), NP.repeat(n, 2))
    same(TB.nonzero(TB.asarray([0, 3, 0, 1])), NP.nonzero(NP.asarray([0, 3, 0, 1])))
    same(TB.nonzero(TB.asarray([0.0, 2.5])), NP.nonzero(NP.asarray([0.0, 2.5])))
    c_t, c_n = TB.asarray([1, 0, 1]), NP.asarray([1, 0, 1])
    same(TB.where(c_t, t, 1.5), NP.where(c_n, n, 1.5))  # reals stay 64-bit
    same(TB.where(c_t, t, 0), NP.where(c_n, n, 0))
    same(TB.where(t > 4, t, TB.asarray([7, 8, 9])), NP.where(n > 4, n, NP.asarray([7, 8, 9])))


@pytest.mark.parametrize("data", [[3, 1, 2, 1, 3, 2, 1], [2.5, -1.0, 2.5, 0.0, -1.0],
                                  [5], [], [1, 1, 1, 1]])
@pytest.mark.parametrize("descending", [False, True])
def test_argsort_is_stable(data: list, descending: bool) -> None:
    same(TB.argsort(TB.asarray(data), descending), NP.argsort(NP.asarray(data), descending))


def test_argsort_random_ties() -> None:
    rng = np.random.default_rng(7)
    data = rng.integers(0, 5, 500)
    for descending in (False, True):
        same(TB.argsort(TB.asarray(data), descending), NP.argsort(NP.asarray(data), descending))


ARITH = [([7, -7, 7, -7, 0, 5], [2, 2, -2, -2, 3, 0]),
         ([7.5, -7.5, 7.5, -7.5, 0.0, 1.0], [2.0, 2.0, -2.0, -2.0, 3.0, 0.0]),
         ([7, -7, 9], 2), ([7, -7, 9], 2.5), ([7.0, -7.0], 2)]


@pytest.mark.parametrize(("a", "b"), ARITH)
@pytest.mark.parametrize("op", ["fmod", "trunc_div", "minimum", "maximum"])
def test_arithmetic(a: list, b: object, op: str) -> None:
    bt = b if isinstance(b, (int, float)) else TB.asarray(b)
    bn = b if isinstance(b, (int, float)) else NP.asarray(b)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = getattr(NP, op)(NP.asarray(a), bn)
    same(getattr(TB, op)(TB.asarray(a), bt), expected)


def test_floor() -> None:
    same(TB.floor(TB.asarray([-1.5, 1.5, 2.0])), NP.floor(NP.asarray([-1.5, 1.5, 2.0])))


@pytest.mark.parametrize("fn", ["exp", "log", "sqrt", "sin", "cos", "tan", "asin", "acos",
                                "atan", "sinh", "cosh", "tanh", "abs"])
def test_math(fn: str) -> None:
    data = [0.25, 0.5, 0.75] if fn in ("asin", "acos") else [0.5, 1, 2]
    t = TB.math(fn, TB.asarray(data))
    n = NP.math(fn, NP.asarray(data))
    assert t.dtype is torch.float64
    np.testing.assert_allclose(t.numpy(), n, rtol=1e-14)
    same(TB.math(fn, 0.5), NP.math(fn, 0.5))  # Python numbers give Python floats
    same(TB.math(fn, 1), NP.math(fn, 1))


@pytest.mark.parametrize("data", [INTS[0], REALS[0], MATRIX, [[0.5, 1.5], [2.5, 3.5]], [], [2]])
@pytest.mark.parametrize("op", ["sum", "prod", "max", "min"])
def test_reduce_and_scan(data: list, op: str) -> None:
    t, n = TB.asarray(data), NP.asarray(data)
    if len(data) == 0 and op in ("max", "min"):
        with pytest.raises((ValueError, RuntimeError, IndexError)):
            TB.reduce(op, t)
    else:
        same(TB.reduce(op, t), NP.reduce(op, n))
    same(TB.scan(op, t), NP.scan(op, n))


@pytest.mark.parametrize("data", [[2**62, 2**62, -5], [[2**40, 1], [2**40, 2], [2**40, 3]],
                                  [3**20, 3**20, 7], [-(2**63), -1]])
@pytest.mark.parametrize("op", ["sum", "prod"])
def test_exact_integers_beyond_int64(data: list, op: str) -> None:
    def combine(x: object, y: object) -> object:
        if isinstance(x, list):
            return [combine(a, b) for a, b in zip(x, y)]
        return x + y if op == "sum" else x * y

    running = [data[0]]
    for row in data[1:]:
        running.append(combine(running[-1], row))
    t = TB.asarray(data)
    r = TB.reduce(op, t)
    assert (TB.tolist(r) if isinstance(r, torch.Tensor) else r) == running[-1]
    s = TB.scan(op, t)
    assert (TB.tolist(s) if isinstance(s, torch.Tensor) else s) == running


def test_elements() -> None:
    assert TB.elements(TB.asarray([1, 2])) == NP.elements(NP.asarray([1, 2])) == [1, 2]
    rows = TB.elements(TB.asarray(MATRIX))
    assert len(rows) == 2 and all(isinstance(r, torch.Tensor) for r in rows)
    x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    assert all(isinstance(e, torch.Tensor) and e.requires_grad for e in TB.elements(x * 2))


def test_reduce_keeps_gradients() -> None:
    x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    r = TB.reduce("sum", x * x)
    assert isinstance(r, torch.Tensor) and r.requires_grad and r.ndim == 0


def test_any_all_random() -> None:
    for d in ([0, 0], [0, 1], [1, 1], []):
        assert TB.any(TB.asarray(d)) == NP.any(NP.asarray(d))
        assert TB.all(TB.asarray(d)) == NP.all(NP.asarray(d))
    r = TB.random()
    assert isinstance(r, float) and 0 <= r < 1
    v = TB.random(100)
    assert v.dtype is torch.float64 and v.shape == (100,) and bool(((v >= 0) & (v < 1)).all())


def test_python_scalars_never_give_float32() -> None:
    t = TB.asarray([1, 2, 3])
    for r in (TB.where(t > 1, t, 0.5), TB.minimum(t, 1.5), TB.maximum(1.5, t),
              TB.trunc_div(t, 2.0), TB.fmod(t, 1.5)):
        assert r.dtype is torch.float64
