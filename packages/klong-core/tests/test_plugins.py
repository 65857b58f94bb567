"""Discovery of the installed klong-numpy and klong-torch distributions, in process.

Each test builds a fresh :class:`BackendRegistry` from the real installed
metadata; nothing is registered by hand.
"""

from __future__ import annotations

import inspect
import subprocess
import sys
from importlib import metadata

import pytest

from klong import hookspecs
from klong.backend import BackendInfo
from klong.plugins import BackendRegistry, KlongSetupError


@pytest.fixture
def reg(monkeypatch: pytest.MonkeyPatch) -> BackendRegistry:
    monkeypatch.delenv("KLONG_BACKEND", raising=False)
    monkeypatch.delenv("KLONG_STRICT_PLUGINS", raising=False)
    return BackendRegistry()


def test_both_backends_are_discovered(reg: BackendRegistry) -> None:
    rows = {r.name: r for r in reg.list_backends()}
    assert {"numpy", "torch"} <= set(rows)
    numpy, torch = rows["numpy"], rows["torch"]
    assert (numpy.distribution, numpy.status, numpy.error) == ("klong-numpy", "ok", "")
    assert numpy.version == metadata.version("klong-numpy")
    assert numpy.devices == ("cpu",) and numpy.float64 and not numpy.autograd
    assert (torch.distribution, torch.status) == ("klong-torch", "ok")
    assert torch.version == metadata.version("klong-torch")
    assert "cpu" in torch.devices and torch.autograd


def test_default_backend_is_numpy(reg: BackendRegistry) -> None:
    assert reg.default_name() == "numpy"
    b = reg.load_backend()
    assert (b.name, b.device) == ("numpy", "cpu")


def test_klong_backend_environment_variable(reg, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLONG_BACKEND", "torch")
    assert reg.load_backend().name == "torch"
    monkeypatch.setenv("KLONG_BACKEND", "nosuch")
    with pytest.raises(KlongSetupError, match="unknown backend 'nosuch'.*KLONG_BACKEND"):
        reg.load_backend()


def test_unknown_backend_lists_installed_ones(reg: BackendRegistry) -> None:
    with pytest.raises(KlongSetupError, match=r"unknown backend 'jax' \(installed: .*numpy"):
        reg.load_backend("jax")
    with pytest.raises(KlongSetupError, match="unknown backend"):
        reg.plugin_manager_for("jax")


def test_numpy_accepts_only_the_cpu(reg: BackendRegistry) -> None:
    assert reg.load_backend("numpy", device="cpu").device == "cpu"
    with pytest.raises(KlongSetupError, match="numpy backend runs on the cpu only"):
        reg.load_backend("numpy", device="cuda")


def test_precision_is_validated(reg: BackendRegistry) -> None:
    with pytest.raises(KlongSetupError, match="precision must be 32 or 64"):
        reg.load_backend("numpy", precision=16)
    assert not reg.load_backend("numpy", precision=32).float64


def test_plugin_manager_exposes_the_hooks(reg: BackendRegistry) -> None:
    pm = reg.plugin_manager_for("numpy")
    (info,) = pm.hook.klong_backend()
    assert isinstance(info, BackendInfo) and info.name == "numpy"
    assert pm.hook.klong_select_device(backend_name="numpy", requested=None) == "cpu"
    b = reg.load_backend("numpy")
    # numpy has no autograd: every plugin declines and core's numeric fallback answers
    assert pm.hook.klong_gradient(backend=b, fn=lambda x: x * x, x=3.0) is None
    assert pm.hook.klong_jacobian(backend=b, fn=lambda x: x, x=3.0) is None
    assert pm.hook.klong_value_and_grads(backend=b, fn=lambda x: x, xs=[1.0]) is None
    assert reg.plugin_manager_for("numpy") is pm  # one manager per backend, built once


def test_each_backend_has_its_own_manager(reg: BackendRegistry) -> None:
    pm_numpy, pm_torch = reg.plugin_manager_for("numpy"), reg.plugin_manager_for("torch")
    assert pm_numpy is not pm_torch
    assert [i.name for i in pm_torch.hook.klong_backend()] == ["torch"]


def test_hookspecs_are_documented_with_examples() -> None:
    specs = [f for n, f in inspect.getmembers(hookspecs, inspect.isfunction)
             if n.startswith("klong_")]
    assert {f.__name__ for f in specs} >= {"klong_backend", "klong_select_device",
                                            "klong_gradient", "klong_jacobian",
                                            "klong_value_and_grads"}
    for f in specs:
        assert f.__doc__ and "Example::" in f.__doc__, f.__name__


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
                         capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_import_klong_imports_neither_numpy_nor_torch() -> None:
    mods = _modules_after("import klong, klong.plugins; klong.plugins.installed_backends()")
    assert "numpy" not in mods and "torch" not in mods


def test_numpy_backend_does_not_import_torch() -> None:
    mods = _modules_after("from klong.plugins import load_backend; load_backend('numpy')")
    assert "numpy" in mods and "torch" not in mods
