"""``%load_ext klong`` in a real IPython shell: the magics, the shared interpreter,
how values and errors are shown."""

from __future__ import annotations

import os
import signal
from typing import Any

import pytest

pytest.importorskip("IPython")
np = pytest.importorskip("numpy")

from IPython.core.interactiveshell import InteractiveShell  # noqa: E402

from klong import KlongError, KlongInterpreter, LimitError  # noqa: E402
from klong.notebook import KlongMagics, KlongValue  # noqa: E402


@pytest.fixture
def ip(backend: str) -> Any:
    """IPython's test shell with the extension loaded and a fresh Klong session
    on ``backend``."""
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "klong")
    magics = next(m for m in shell.magics_manager.registry.values() if isinstance(m, KlongMagics))
    magics.session = None
    shell.run_line_magic("klong", f"--backend {backend}")
    yield shell
    magics.session = None


@pytest.fixture(params=["numpy", "torch"])
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "torch":
        pytest.importorskip("klong_torch")
    return request.param


def cell(ip: Any, text: str) -> Any:
    result = ip.run_cell(text)
    if result.error_in_exec is not None:
        raise result.error_in_exec
    return result.result


def test_line_and_cell_magics_share_one_interpreter(ip: Any, backend: str) -> None:
    assert repr(cell(ip, "%klong a::2*1+!5")) == "[2 4 6 8 10]"
    value = cell(ip, "%%klong\nb::+/a\nb*10")
    assert isinstance(value, KlongValue) and repr(value) == "300" and value.value == 300
    k = ip.user_ns["klong"]
    assert isinstance(k, KlongInterpreter) and k.backend.name == backend and k["b"] == 30


def test_values_move_in_and_out_with_their_dtypes(ip: Any) -> None:
    cell(ip, "import numpy; klong['x'] = numpy.array([0.5, 1.5], dtype='float32')")
    out = cell(ip, "%klong x*2").value
    assert str(out.dtype).removeprefix("torch.") == "float32"
    assert cell(ip, "klong['x'].dtype").__str__().removeprefix("torch.") == "float32"


def test_a_matrix_is_an_html_table_and_a_long_list_is_cut(ip: Any) -> None:
    html = cell(ip, "%klong [2 3]:^!6")._repr_html_()
    assert html.count("<tr>") == 2 and "<td>5</td>" in html and "2×3" in html
    long = cell(ip, "%klong !100000")
    assert repr(long).endswith("... (100000 elements)]")
    assert "(100000 elements)" in long._repr_html_() and len(long._repr_html_()) < 2000


def test_errors_show_the_line_and_caret_without_python_frames(ip: Any, capsys: Any) -> None:
    result = ip.run_cell("%klong 1+:a")
    assert isinstance(result.error_in_exec, KlongError)
    out = capsys.readouterr()
    shown = out.out + out.err
    assert "error: +: type error: integer and symbol\n  1+:a\n   ^" in shown
    assert "Traceback" not in shown and "File " not in shown


def test_bracket_commands_work(ip: Any, capsys: Any) -> None:
    cell(ip, "%klong ]h +")
    assert "Plus (dyad)" in capsys.readouterr().out


def test_switching_backend_carries_variables(ip: Any) -> None:
    pytest.importorskip("klong_torch")
    cell(ip, "%klong v::[1 2 3]")
    cell(ip, "%klong --backend torch")
    assert ip.user_ns["klong"].backend.name == "torch"
    assert repr(cell(ip, "%klong v*2")) == "[2 4 6]"


def test_an_interrupt_stops_the_cell_and_keeps_the_session(ip: Any) -> None:
    """Jupyter interrupts a kernel with SIGINT: here the cell's own Python callback
    sends it, once, while Klong loops forever."""
    sent = []

    def poke() -> int:
        if not sent:
            sent.append(True)
            os.kill(os.getpid(), signal.SIGINT)
        return 0

    before = signal.getsignal(signal.SIGINT)  # SIG_IGN where the test runs in the background
    cell(ip, "%klong v::42")
    ip.user_ns["klong"]["poke"] = poke
    result = ip.run_cell("%klong {1}{x+poke()}:~0")
    assert isinstance(result.error_in_exec, LimitError), result.error_in_exec
    assert "interrupted" in str(result.error_in_exec)
    assert repr(cell(ip, "%klong v+1")) == "43"
    assert signal.getsignal(signal.SIGINT) is before  # put back
