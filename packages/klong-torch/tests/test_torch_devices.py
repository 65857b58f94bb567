"""Device selection through the ``klong_select_device`` hook of the installed torch plugin."""

from __future__ import annotations

import pytest
import torch

from klong.plugins import BackendRegistry, KlongSetupError


@pytest.fixture
def hook():
    """The device hook as core calls it: through a fresh registry's plugin manager."""
    pm = BackendRegistry().plugin_manager_for("torch")
    return lambda requested: pm.hook.klong_select_device(backend_name="torch",
                                                         requested=requested)


@pytest.fixture
def no_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)


@pytest.fixture
def one_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    monkeypatch.setattr(torch.cuda, "current_device", lambda: 0)


@pytest.fixture
def mps_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)


def test_default_is_cpu_without_accelerators(hook, no_gpu) -> None:
    assert hook(None) == "cpu"
    assert hook("cpu") == "cpu"


def test_default_prefers_cuda(hook, one_gpu) -> None:
    assert hook(None) == "cuda:0"
    assert hook("cuda") == "cuda:0"
    assert hook("cuda:0") == "cuda:0"


def test_default_then_mps(hook, mps_only) -> None:
    assert hook(None) == "mps:0"
    assert hook("mps") == "mps:0"


def test_missing_cuda_index_is_a_clear_error(hook, one_gpu) -> None:
    with pytest.raises(ValueError, match=r"'cuda:7' does not exist: this machine has 1 CUDA device"):
        hook("cuda:7")


def test_unavailable_devices(hook, no_gpu) -> None:
    with pytest.raises(ValueError, match="CUDA is not available"):
        hook("cuda")
    with pytest.raises(ValueError, match="MPS is not available"):
        hook("mps")
    with pytest.raises(ValueError, match="unknown device 'gpu0'"):
        hook("gpu0")


def test_other_backends_are_declined(hook) -> None:
    pm = BackendRegistry().plugin_manager_for("torch")
    assert pm.hook.klong_select_device(backend_name="numpy", requested="cuda") is None


def test_load_backend_reports_device_errors(no_gpu) -> None:
    reg = BackendRegistry()
    with pytest.raises(KlongSetupError, match="backend 'torch': device 'cuda'"):
        reg.load_backend("torch", device="cuda")
    b = reg.load_backend("torch")
    assert (b.name, b.device, b.float64) == ("torch", "cpu", True)
    x = b.asarray([1.5])
    assert x.device.type == "cpu" and x.dtype is torch.float64


def test_precision_32_and_mps_float32(mps_only) -> None:
    reg = BackendRegistry()
    b = reg.load_backend("torch", device="cpu", precision=32)
    assert not b.float64 and b.to_float(b.arange(2)).dtype is torch.float32
    with pytest.raises(KlongSetupError, match="mps has no float64"):
        reg.load_backend("torch", device="mps", precision=64)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_real_cuda() -> None:
    b = BackendRegistry().load_backend("torch")
    assert b.device == f"cuda:{torch.cuda.current_device()}"
    x = b.asarray([1.0, 2.0])
    assert x.device.type == "cuda" and x.dtype is torch.float64
    assert b.reduce("sum", x) == 3.0
    with pytest.raises(KlongSetupError, match="does not exist"):
        BackendRegistry().load_backend("torch", device=f"cuda:{torch.cuda.device_count()}")
