"""Exact gradients through the torch plugin's hooks, as core calls them."""

from __future__ import annotations

import pytest
import torch

from klong.plugins import BackendRegistry


@pytest.fixture(scope="module")
def reg() -> BackendRegistry:
    return BackendRegistry()


@pytest.fixture(scope="module")
def b(reg):
    return reg.load_backend("torch", device="cpu")


@pytest.fixture(scope="module")
def hook(reg):
    return reg.plugin_manager_for("torch").hook


def test_gradient_of_a_number_is_a_python_float(hook, b) -> None:
    g = hook.klong_gradient(backend=b, fn=lambda x: x**2, x=3)
    assert g == 6.0 and type(g) is float
    assert hook.klong_gradient(backend=b, fn=lambda x: x**3, x=2.0) == 12.0
    p = hook.klong_gradient(backend=b, fn=lambda x: 3 * x**4 - 2 * x**2 + x, x=1)
    assert p == 9.0


def test_gradient_of_a_vector(hook, b) -> None:
    g = hook.klong_gradient(backend=b, fn=lambda x: (x**2).sum(), x=b.asarray([1.0, 2.0, 3.0]))
    assert isinstance(g, torch.Tensor) and g.dtype is torch.float64 and not g.requires_grad
    assert g.tolist() == [2.0, 4.0, 6.0]


def test_integer_points_are_differentiated_as_reals(hook, b) -> None:
    g = hook.klong_gradient(backend=b, fn=lambda x: (x * x).sum(), x=b.asarray([1, 2]))
    assert g.dtype is torch.float64 and g.tolist() == [2.0, 4.0]


def test_constant_function_has_zero_gradient(hook, b) -> None:
    assert hook.klong_gradient(backend=b, fn=lambda x: 5.0, x=2.0) == 0.0
    g = hook.klong_gradient(backend=b, fn=lambda x: b.asarray(1.0), x=b.asarray([1.0, 2.0]))
    assert g.tolist() == [0.0, 0.0]


def test_non_scalar_function_is_a_clear_error(hook, b) -> None:
    with pytest.raises(ValueError, match="must return a number"):
        hook.klong_gradient(backend=b, fn=lambda x: x * 2, x=b.asarray([1.0, 2.0]))


def test_second_order(hook, b) -> None:
    def inner_grad(z):
        return hook.klong_gradient(backend=b, fn=lambda x: x**3, x=z)

    assert hook.klong_gradient(backend=b, fn=inner_grad, x=2.0) == 12.0  # d/dz 3z^2 = 6z


def test_jacobian(hook, b) -> None:
    j = hook.klong_jacobian(backend=b, fn=lambda x: x**2, x=b.asarray([1.0, 2.0]))
    assert j.tolist() == [[2.0, 0.0], [0.0, 4.0]]
    j = hook.klong_jacobian(backend=b, fn=lambda x: torch.stack([x[0] * x[1], x[0] + x[1], x[1]]),
                            x=b.asarray([2.0, 3.0]))
    assert j.shape == (3, 2) and j.tolist() == [[3.0, 2.0], [1.0, 1.0], [0.0, 1.0]]
    assert hook.klong_jacobian(backend=b, fn=lambda x: x**2, x=3.0) == 6.0


def test_value_and_grads(hook, b) -> None:
    value, grads = hook.klong_value_and_grads(backend=b, fn=lambda w, c: w**2 + c**2,
                                              xs=[2.0, 3.0])
    assert value == 13.0 and grads == [4.0, 6.0]
    X, Y = b.asarray([1, 2, 3]), b.asarray([3, 5, 7])
    value, (gw, gc) = hook.klong_value_and_grads(
        backend=b, fn=lambda w, c: (((w * X) + c - Y) ** 2).sum() / 3, xs=[1.0, 0.0])
    assert value == pytest.approx(((1 - 3) ** 2 + (2 - 5) ** 2 + (3 - 7) ** 2) / 3)
    assert gw == pytest.approx(2 * (-2 * 1 - 3 * 2 - 4 * 3) / 3)
    assert gc == pytest.approx(2 * (-2 - 3 - 4) / 3)


def test_numpy_backend_declines(reg) -> None:
    nb = reg.load_backend("numpy")
    hook = reg.plugin_manager_for("numpy").hook
    assert hook.klong_gradient(backend=nb, fn=lambda x: x * x, x=3.0) is None
    # the torch plugin also declines a backend that is not its own
    thook = reg.plugin_manager_for("torch").hook
    assert thook.klong_gradient(backend=nb, fn=lambda x: x * x, x=3.0) is None
    assert thook.klong_value_and_grads(backend=nb, fn=lambda x: x, xs=[1.0]) is None


def test_the_engine_call_gives_torch_autograd_grads_bits(b) -> None:
    """Plain first-order gradients call the autograd engine directly (what
    torch.autograd.grad calls): bit for bit the gradients torch.autograd.grad gives."""
    from klong_torch.gradients import _engine, _grads, _leaf

    assert _engine() is not None  # else the fast path is silently gone
    X, Y = b.asarray([1, 2, 3]), b.asarray([3.0, 5.5, 7.25])
    losses = [lambda w, c: ((w * X + (c - Y)) ** 2).sum() / 3,
              lambda w, c: torch.tanh(w * c) * torch.exp(-c) + w ** 3,
              lambda w, c: (w * 0 + 1.5) * c]  # w unused by the graph's value: zero
    for loss in losses:
        for w0, c0 in [(1.0, 0.0), (-2.5, 0.3), (1e-8, 7.0)]:
            fast = _grads(loss(*(xs := [_leaf(b, w0), _leaf(b, c0)])), xs, False)
            ws = [_leaf(b, w0), _leaf(b, c0)]
            ref = torch.autograd.grad(loss(*ws), ws, allow_unused=True)
            for g, r in zip(fast, ref):
                assert torch.equal(g, torch.zeros_like(g) if r is None else r)
                assert not g.requires_grad
