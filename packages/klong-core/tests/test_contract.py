"""The backend contract as a third-party author meets it (issue 16): core
writes into no array (``Backend.update``), never pulls a value that carries a
gradient to Python, hands ``synchronize`` the value it waits for, and keeps
the backend's own exception under ``KLONG_DEBUG=1``."""

from __future__ import annotations

from pathlib import Path

import pytest

from klong import KlongError, KlongInterpreter
from klong.backend import Backend
from klong.command import debug_traceback
from klong.conformance.runner import check, load_cases
from klong.interaction import Interaction

np = pytest.importorskip("numpy")
numpy_backend = pytest.importorskip("klong_numpy.backend")

EXACT = load_cases([Path(__file__).parents[1] / "src/klong/conformance/autograd/exact.kc"])


class Immutable(numpy_backend.NumpyBackend):
    """Arrays that cannot be written into, as JAX's: ``update`` makes new ones."""

    def copy(self, a):
        raise AssertionError("core asked for a copy to write into")

    def update(self, a, index, value):
        mask = np.zeros(a.shape[0], dtype=bool)
        mask[index] = True
        return np.where(mask.reshape((-1,) + (1,) * (a.ndim - 1)), value, a)


@pytest.mark.parametrize("program, shown", [
    ("[1 2 3]:=0,1", "[1 0 3]"),
    ("[1 2 3]:=9,0,2,0", "[9 2 9]"),
    ("[1.5 2.5]:=0.5,1", "[1.5 0.5]"),
    ("a::[1 2 3];b::a:=7,0;a,b", "[1 2 3 7 2 3]"),       # the operand stays as it was
    ("{+/x^2}:>[1.0 2.0]", None),  # numeric differentiation moves one element: update
    ("[1.0 2.0]∇{+/x^2}", None),    # None: as on numpy, to the last digit
])
def test_core_writes_into_no_array(program: str, shown: str | None) -> None:
    k, plain = KlongInterpreter(backend=Immutable()), KlongInterpreter(backend="numpy")
    assert k.show(k(program)) == (shown or plain.show(plain(program)))


def test_update_default_leaves_its_operand_alone() -> None:
    b = numpy_backend.NumpyBackend()
    a = b.asarray([[1, 2], [3, 4]])
    r = b.update(a, b.asarray([1], "i"), 9)
    assert b.tolist(r) == [[1, 2], [9, 9]] and b.tolist(a) == [[1, 2], [3, 4]]
    assert b.tolist(b.update(b.asarray([1.0, 2.0]), 0, 5.0)) == [5.0, 2.0]


def _strict_torch():
    torch_backend = pytest.importorskip("klong_torch.backend")

    class StrictTorch(torch_backend.TorchBackend):
        """torch, refusing (as JAX does) to give the values of a traced tensor."""

        def tolist(self, a):
            if a.requires_grad:
                raise AssertionError("core pulled a value carrying a gradient to Python")
            return super().tolist(a)

        def to_host(self, a):
            if a.requires_grad:
                raise AssertionError("core pulled a value carrying a gradient to Python")
            return super().to_host(a)

    return StrictTorch


@pytest.mark.parametrize("own_traced", [True, False], ids=["traced", "default-traced"])
@pytest.mark.parametrize("case", EXACT, ids=[c.id for c in EXACT])
def test_exact_gradients_without_pulling_traced_values(case, own_traced: bool) -> None:
    """Also with the protocol's default ``traced`` (a backend that never heard of it)."""
    strict = _strict_torch()
    if not own_traced:
        strict = type("DefaultTraced", (strict,), {"traced": Backend.traced})
    check(lambda: KlongInterpreter(backend=strict(device="cpu")), case)


def test_traced_is_asked_only_while_differentiating() -> None:
    torch_backend = pytest.importorskip("klong_torch.backend")
    asked = []

    class Asking(torch_backend.TorchBackend):
        def traced(self, a):
            asked.append(a.requires_grad)
            return super().traced(a)

    k = KlongInterpreter(backend=Asking(device="cpu"))
    assert k.show(k("2^[1 2 62]")) == "[2 4 4611686018427387904]" and asked == []
    # q: what the loss sees of a power of plain integers (kg's exact integers)
    assert k.show(k("{q::2^[1 2];+/2^x}:>[0.0 1.0]")) == k.show(k("[1.0 2.0]*.ln(2)"))
    assert k.show(k("q")) == "[2 4]" and asked == [False, True]


class Recording(numpy_backend.NumpyBackend):
    """Remembers what ``synchronize`` was asked to wait for."""

    def __init__(self) -> None:
        super().__init__()
        self.waited: list = []

    def synchronize(self, value=None) -> None:
        self.waited.append(value)


def test_synchronize_gets_the_value_it_waits_for() -> None:
    k = KlongInterpreter(backend=Recording())
    Interaction(k).handle("]time a::!10;+/a")
    assert k.backend.waited and all(v == 45 for v in k.backend.waited)


class Failing(numpy_backend.NumpyBackend):
    def floor(self, a):
        raise ValueError("floor is broken in this backend")


def test_debug_traceback_shows_the_backend_frame() -> None:
    k = KlongInterpreter(backend=Failing())
    with pytest.raises(KlongError, match="internal error") as info:  # the host's words: in the chain
        k("_[1.5 2.5]")
    text = debug_traceback(info.value)
    assert "ValueError: floor is broken in this backend" in text
    assert "in floor" in text and __file__ in text  # the method's own frame
    # the traceback ends with the Klong error itself (str() adds its line and caret)
    assert text.rstrip().splitlines()[-3].startswith("klong.errors.KlongError")
