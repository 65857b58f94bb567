"""The Python side of the boundary: what ``KlongInterpreter`` offers a Python user
(mapping access, reprs, errors) and binding the data-science modules from Klong."""

from __future__ import annotations

import subprocess
import sys

import pytest

import klong
from klong import KlongError, KlongInterpreter, KlongSetupError


def test_k_call_converts_as_k_getitem(k: KlongInterpreter) -> None:
    k.run('d:::{[1 2]};f::{x+1}')
    assert k(':{[1 2]}') == k["d"] == {1: 2}
    assert k("{x+1}")(41) == k["f"](41) == 42
    assert k.run(":{[1 2]}").__class__.__name__ == "KDict"  # run: Klong's own value


def test_mapping_protocol(k: KlongInterpreter) -> None:
    k["x"] = 1
    k("y::2")
    assert "x" in k and set(k.keys()) == {"x", "y"} and sorted(k) == ["x", "y"]
    del k["x"]
    assert "x" not in k and k.keys() == ["y"]
    with pytest.raises(KeyError):
        del k["x"]
    with pytest.raises(KeyError):
        k["x"]


def test_reprs_are_readable(k: KlongInterpreter) -> None:
    k("a::1;b::2")
    assert repr(k) == (f"<KlongInterpreter backend={k.backend.name} "
                       f"device={k.backend.device}, 2 variables>")
    assert repr(k("{x+y}")) == "<Klong dyad {x+y}>"
    assert repr(k.run("{x+y}(;10)")) == "<Klong monad {x+y}(;10)>"
    assert repr(k.run(".p")) == "<Klong monad .p>"
    assert repr(k.run(':{[1 "one"]}')) == "<Klong dictionary {1: 'one'}>"
    assert repr(k.run(":sym")) == ":sym" and repr(k.run("0cx")) == "0cx"


def test_errors_carry_the_caret_line() -> None:
    k = KlongInterpreter()
    with pytest.raises(KlongError) as e:
        k("1+:a")
    assert str(e.value) == "+: type error: integer and symbol\n  1+:a\n   ^"
    assert e.value.message == "+: type error: integer and symbol"


def test_setup_errors_are_klong_errors() -> None:
    assert issubclass(KlongSetupError, KlongError) and "KlongSetupError" in klong.__all__
    with pytest.raises(KlongError, match="unknown backend 'nope'"):
        KlongInterpreter(backend="nope")


def test_import_klong_imports_no_array_library_nor_ipython() -> None:
    code = ("import sys, klong; klong.KlongInterpreter; "
            "print(' '.join(m for m in ('numpy', 'torch', 'IPython', 'ipykernel') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_py_binds_numpy(k: KlongInterpreter) -> None:
    np = pytest.importorskip("numpy")
    assert k('.py("numpy")') is np
    assert k.show(k.run("arange(4)")) == "[0 1 2 3]"
    assert k.show(k.run("sqrt([1.0 4.0 9.0])")) == "[1.0 2.0 3.0]"
    assert k["float32"] is np.float32  # a class, bound as a function
    assert k.show(k.run("float32(0.5)")) == "0.5"


def test_py_binds_torch(k: KlongInterpreter) -> None:
    torch = pytest.importorskip("torch")
    assert k('.py("torch")') is torch
    assert k.show(k.run("zeros(3)")) == "[0.0 0.0 0.0]"
    assert k["Tensor"] is torch.Tensor
    k["half"] = {"dtype": torch.float16}
    half = k(".pyc(ones;2;half)")
    assert str(half.dtype).removeprefix("torch.") == "float16"  # kept, on every backend


@pytest.mark.parametrize("dtype", ["float16", "float32"])
def test_narrow_floats_compute_in_their_dtype(k: KlongInterpreter, dtype: str) -> None:
    np = pytest.importorskip("numpy")
    k["a"] = np.array([0.5, 1.5, 3.0], dtype=dtype)
    assert str(k("a*2").dtype).removeprefix("torch.") == dtype
    assert str(k("a%3").dtype).removeprefix("torch.") == dtype
    assert k.show(k.run("a")) == "[0.5 1.5 3.0]"
    assert str(k("a,1.5").dtype).removeprefix("torch.") == "float64"
