"""The klong-numpy plugin: its metadata, its hooks, and lazy import of NumPy."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

import pytest

from klong_numpy import plugin


def test_entry_point_is_declared() -> None:
    eps = [ep for ep in metadata.entry_points(group="klong.backends") if ep.name == "numpy"]
    assert [(ep.value, ep.dist.metadata["Name"]) for ep in eps] == [("klong_numpy.plugin",
                                                                     "klong-numpy")]


def test_backend_info_and_factory() -> None:
    info = plugin.klong_backend()
    assert (info.name, info.float64, info.autograd, info.devices()) == ("numpy", True, False,
                                                                         ["cpu"])
    b = info.factory(device="cpu", precision=None)
    assert (b.name, b.device, b.float64) == ("numpy", "cpu", True)


def test_device_hook() -> None:
    assert plugin.klong_select_device(backend_name="numpy", requested=None) == "cpu"
    assert plugin.klong_select_device(backend_name="numpy", requested="cpu") == "cpu"
    assert plugin.klong_select_device(backend_name="torch", requested="cuda") is None
    with pytest.raises(ValueError, match="cpu only.*klong-torch"):
        plugin.klong_select_device(backend_name="numpy", requested="cuda:0")


def test_plugin_import_is_cheap() -> None:
    code = ("import sys, klong_numpy.plugin as p; p.klong_backend(); "
            "print('numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize("precision, dtype", [(None, "float64"), (32, "float32")])
def test_division_gives_reals_of_the_precision(precision, dtype) -> None:
    from klong import KlongInterpreter

    k = KlongInterpreter(backend="numpy", precision=precision)
    for text in ("%1+!3", "(!3)%2", "3%1+!3", "(1+!3)%1+!3", "[1.5 2.5]%1+!2"):
        assert str(k(text).dtype) == dtype, text


@pytest.mark.parametrize("precision, dtype", [(None, "float64"), (32, "float32")])
def test_integers_meeting_a_real_give_reals_of_the_precision(precision, dtype) -> None:
    from klong import KlongInterpreter

    k = KlongInterpreter(backend="numpy", precision=precision)
    for text, shown in (("(!4)*1.5", "[0.0 1.5 3.0 4.5]"), ("2.5+!3", "[2.5 3.5 4.5]"),
                        ("(!3)-0.5", "[-0.5 0.5 1.5]"), ("(!3)%2.0", "[0.0 0.5 1.0]")):
        a = k(text)
        assert (str(a.dtype), k.show(a)) == (dtype, shown), text
    assert k.show(k("((!4)<1.5),(!3)=1.0")) == "[1 1 0 0 0 1 0]"


def test_integers_meeting_a_real_are_not_converted_first_at_float64(monkeypatch) -> None:
    """NumPy multiplies int64 by a Python float in float64 in its own loop:
    converting the integers first would cost a pass and a copy."""
    from klong import KlongInterpreter

    k = KlongInterpreter(backend="numpy")
    k("x::!5")
    monkeypatch.setattr(k.backend, "to_float", lambda a: pytest.fail("converted first"))
    assert k.show(k("(x*1.5),(x+0.5),x%2.0")) == k.show(
        KlongInterpreter(backend="numpy")("((!5)*1.5),((!5)+0.5),(!5)%2.0"))
