"""Differentiation from Klong on the torch backend: exactness, dtypes and
devices, graphs kept for higher orders, and interplay with PyTorch code."""

from __future__ import annotations

import pytest
import torch

from klong import KlongInterpreter, value_and_gradients
from klong_torch.backend import available_devices

DEVICES = [d for d in available_devices() if not d.startswith("mps")]


@pytest.fixture(params=DEVICES)
def k(request) -> KlongInterpreter:
    return KlongInterpreter(backend="torch", device=request.param)


def test_results_live_on_the_device_in_float64(k) -> None:
    g = k("g::{+/x^2};g:>[1.0 2.0 3.0]")
    assert g.dtype is torch.float64 and str(g.device) == k.backend.device
    assert g.tolist() == [2.0, 4.0, 6.0] and not g.requires_grad
    j = k("f::{x^2};[1 2]\u2202f")
    assert j.dtype is torch.float64 and str(j.device) == k.backend.device
    gw, gb = k("w::[1.0 2.0];b::3.0;loss::{+/(w*b)^2};loss:>[w b]")
    assert gw.dtype is torch.float64 and str(gw.device) == k.backend.device
    assert gw.tolist() == [18.0, 36.0] and gb == 30.0


def test_float32_when_asked() -> None:
    k = KlongInterpreter(backend="torch", device="cpu", precision=32)
    g = k("g::{+/x^2};g:>[1.0 2.0 3.0]")
    assert g.dtype is torch.float32 and g.tolist() == [2.0, 4.0, 6.0]


def test_python_functions_computing_with_torch(k) -> None:
    k["softplus"] = lambda x: torch.nn.functional.softplus(x)
    k["tsin"] = torch.sin
    x = torch.tensor([0.3, -1.2, 2.0], dtype=torch.float64)
    k["p"] = x
    assert torch.allclose(k("{+/softplus(x)}:>p").cpu(), torch.sigmoid(x), rtol=1e-14, atol=0)
    assert k("{tsin(x)*x}:>2.0") == pytest.approx(torch.sin(torch.tensor(2.0)).item()
                                                  + 2 * torch.cos(torch.tensor(2.0)).item(), rel=1e-6)


def test_inner_results_that_carry_a_graph_stay_tensors(k) -> None:
    seen = []
    k["peek"] = lambda v: seen.append(v) or v
    assert k("f::{x^3};g::{peek(f:>x)};g:>3.0") == 18.0
    assert isinstance(seen[0], torch.Tensor) and seen[0].requires_grad and seen[0].item() == 27.0


def test_a_point_carrying_a_gradient_keeps_its_graph(k) -> None:
    """A Klong gradient of a PyTorch leaf can be differentiated by PyTorch."""
    w = torch.tensor(2.0, dtype=torch.float64, device=k.backend.tdevice, requires_grad=True)
    k["w"] = w
    g = k("{x^3}:>w")  # 3 w^2, as a tensor still attached to w
    assert isinstance(g, torch.Tensor) and g.requires_grad and g.item() == 12.0
    (h,) = torch.autograd.grad(g, w)
    assert h.item() == 12.0  # 6 w


def test_value_and_gradients_is_one_exact_pass(k) -> None:
    k("W::[[1.0 2.0] [3.0 4.0]];b::[0.5 0.5];X::[1.0 -1.0]")
    k("loss::{+/((X{+/x*y}:/W)+b)^2}")  # (W X + b)^2, summed
    value, (gW, gb) = value_and_gradients(k, "loss", ["W", "b"])
    Wt = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64, requires_grad=True)
    bt = torch.tensor([0.5, 0.5], dtype=torch.float64, requires_grad=True)
    ref = ((Wt @ torch.tensor([1.0, -1.0], dtype=torch.float64) + bt) ** 2).sum()
    rW, rb = torch.autograd.grad(ref, [Wt, bt])
    assert value == ref.item()
    assert torch.equal(gW.cpu(), rW) and torch.equal(gb.cpu(), rb)


def test_fourth_derivative(k) -> None:
    assert k("f::{x^5};g::{f:>x};h::{g:>x};q::{h:>x};q:>2.0") == 240.0  # 120 x
