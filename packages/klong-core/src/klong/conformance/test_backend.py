"""What a backend must be beyond running the language cases: a loadable
plugin that describes itself truthfully, the protocol's required methods,
the promised kinds and conversions, Python interop and errors."""

from __future__ import annotations

import inspect
import math

import pytest

from klong import KlongError, KlongInterpreter, value_and_gradients
from klong.backend import Backend
from klong.conformance.kit import Subject


def _backend(subject: Subject) -> Backend:
    return KlongInterpreter(backend=subject.name).backend


def test_backend_loads(subject: Subject) -> None:
    assert not subject.error, f"the plugin of {subject.name!r} does not load: {subject.error}"
    assert subject.info is not None and subject.info.name == subject.name
    b = _backend(subject)
    assert isinstance(b, Backend) and b.name == subject.name


def test_exclusions_name_existing_cases(subject: Subject, request: pytest.FixtureRequest) -> None:
    tests = sorted({getattr(i, "originalname", i.name) for i in request.session.items})
    stale = subject.unused_exclusions(subject.cases(), tests)
    assert not stale, f"exclusions that select no case or test (remove them): {stale}"
    assert all(why.strip() for why in subject.exclusions.values()), "every exclusion needs a reason"


def test_declared_capabilities(subject: Subject) -> None:
    info = subject.info
    assert info is not None
    devices = info.devices()
    assert devices and all(isinstance(d, str) and d for d in devices), devices
    assert isinstance(info.float64, bool) and isinstance(info.autograd, bool)
    b = _backend(subject)
    assert isinstance(b.device, str) and b.device
    assert b.device.split(":")[0] in {d.split(":")[0] for d in devices}
    if not info.float64:
        assert not b.float64, "BackendInfo says no float64, but the backend claims it"


def test_required_methods_are_implemented(subject: Subject) -> None:
    """Every protocol method without a default in core is overridden."""
    b = _backend(subject)
    missing = [name for name, fn in inspect.getmembers(Backend, inspect.isfunction)
               if not name.startswith("_") and "raise NotImplementedError" in inspect.getsource(fn)
               and getattr(type(b), name) is fn]
    assert not missing, f"{type(b).__name__} lacks required methods: {missing}"
    assert b.array_type, "array_type must name the native array class(es)"


def test_kinds_and_conversions(subject: Subject) -> None:
    b = _backend(subject)
    ints, reals = b.arange(4), b.asarray([[1.5, -2.5], [0.0, 3.25]])
    assert isinstance(ints, b.array_type) and isinstance(reals, b.array_type)
    assert (b.kind(ints), b.kind(reals)) == ("i", "f")
    assert b.tolist(ints) == [0, 1, 2, 3] and all(type(v) is int for v in b.tolist(ints))
    assert b.tolist(reals) == [[1.5, -2.5], [0.0, 3.25]]
    assert type(b.tolist(reals)[0][0]) is float
    assert b.kind(b.asarray([1, 2])) == "i" and b.kind(b.asarray([1, 2], "f")) == "f"
    assert b.kind(b.asarray([True, False])) == "i"
    assert b.tolist(b.to_int(b.asarray([-1.7, 1.7]))) == [-1, 1]  # toward zero
    assert b.tolist(b.to_int(ints < 2)) == [1, 1, 0, 0]
    assert b.kind(b.to_float(ints)) == "f"
    zero_d = b.reshape(b.asarray([7]), ())
    assert b.scalar(zero_d) == 7 and type(b.scalar(zero_d)) is int
    assert list(b.to_host(reals).shape) == [2, 2]


def test_results_are_native_arrays(subject: Subject) -> None:
    k = KlongInterpreter(backend=subject.name)
    v = k("2*1+!5")
    assert isinstance(v, k.backend.array_type), type(v)
    assert k.backend.tolist(v) == [2, 4, 6, 8, 10]
    k["xs"] = [1.5, 2.5]
    assert k.show(k("xs*2")) == "[3.0 5.0]"
    assert k("+/!100") == 4950


def test_errors_are_klong_errors_with_a_position(subject: Subject) -> None:
    k = KlongInterpreter(backend=subject.name)
    with pytest.raises(KlongError) as caught:
        k("a::[1 2 3];a+[1 2]")
    assert caught.value.line_col() is not None
    assert "^" in caught.value.render()


def test_value_and_gradients(subject: Subject) -> None:
    """The Python API optimizers use: exact with autograd, else within 1e-5."""
    k = KlongInterpreter(backend=subject.name)
    k("w::2.0;b::3.0;loss::{(w^2)+(b^2)}")
    value, grads = value_and_gradients(k, "loss", ["w", "b"])
    tol = 0.0 if subject.info is not None and subject.info.autograd else 1e-5
    got = [float(k.backend.tolist(g) if isinstance(g, k.backend.array_type) else g) for g in grads]
    assert math.isclose(float(k.verbs.num(value)), 13.0, abs_tol=1e-12)
    assert all(math.isclose(g, e, abs_tol=tol) for g, e in zip(got, [4.0, 6.0])), got
    assert k.show(k("w,b")) == "[2.0 3.0]"  # the globals are restored
