"""The example backend's own tests (the conformance kit checks the language:
``pytest --pyargs klong.conformance --klong-backend autograd``)."""

from __future__ import annotations

import numpy as np
import pytest

from klong import KlongError, KlongInterpreter, value_and_gradients
from klong.plugins import BackendRegistry, KlongSetupError


@pytest.fixture
def k() -> KlongInterpreter:
    return KlongInterpreter(backend="autograd")


def test_discovered_through_its_entry_point() -> None:
    rows = {r.name: r for r in BackendRegistry().list_backends()}
    row = rows["autograd"]
    assert (row.distribution, row.status, row.devices) == ("klong-autograd", "ok", ("cpu",))
    assert row.autograd and row.float64


def test_arrays_are_numpy(k: KlongInterpreter) -> None:
    v = k("2*1+!5")
    assert isinstance(v, np.ndarray) and v.dtype == np.int64
    assert k.show(v) == "[2 4 6 8 10]"


def test_gradients_are_exact(k: KlongInterpreter) -> None:
    assert k.show(k("f::{x^3};f:>2")) == "12.0"  # numeric differentiation gives 12.000000000...
    assert k.show(k("g::{+/.sin(x)};g:>[0.0 1.0]")) == k.show(k(".cos([0.0 1.0])"))
    assert k.show(k("f::{x^3};h::{f:>x};h:>1")) == "6.0"  # second derivative


def test_value_and_gradients_in_one_pass(k: KlongInterpreter) -> None:
    k("w::[1.0 2.0];b::0.5;loss::{+/(w*w)+b}")
    value, (gw, gb) = value_and_gradients(k, "loss", ["w", "b"])
    assert value == 6.0 and gw.tolist() == [2.0, 4.0] and gb == 2.0


def test_amend_is_exact(k: KlongInterpreter) -> None:
    g = k("f::{+/x:=0.0,1};f:>[1.0 2.0 3.0]")  # a real into reals: Backend.update
    assert g.tolist() == [1.0, 0.0, 1.0]
    assert k("{+/(x:=0.0,1)^2}:>[1.0 2.0 3.0]").tolist() == [2.0, 0.0, 6.0]


def test_errors_in_a_differentiated_function_are_klong_errors(k: KlongInterpreter) -> None:
    with pytest.raises(KlongError, match="type error"):
        k('f::{x+"a"};f:>2.0')


def test_precision_and_device() -> None:
    k32 = KlongInterpreter(backend="autograd", precision=32)
    assert not k32.backend.float64 and k32("[1.5 2.5]*2").dtype == np.float32
    assert k32("1.5*!3").dtype == np.float32  # Python reals arrive at the precision too
    with pytest.raises(KlongSetupError, match="cpu only"):
        KlongInterpreter(backend="autograd", device="cuda")


def test_traced_values_never_reach_tolist(k: KlongInterpreter) -> None:
    """Like JAX, this backend refuses tolist on a traced value; core decides
    floor, unique, group and grade with methods that have no derivative."""
    assert k("{x*_x}:>2.5") == 2.0
    assert k("{+/?x}:>[1.0 2.0 1.0 3.0]").tolist() == [1.0, 1.0, 0.0, 1.0]
    assert k("{+/x@{*x}'=x}:>[1.0 2.0 1.0]").tolist() == [1.0, 1.0, 0.0]
    assert k("{+/(x@<x)*[1 2 3]}:>[3.0 1.0 2.0]").tolist() == [3.0, 1.0, 2.0]
    with pytest.raises(KlongError, match="carries a gradient cannot be shown"):
        k("{.p(x);+/x}:>[1.0 2.0]")  # printing a traced array is the one refusal
