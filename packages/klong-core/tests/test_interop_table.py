"""The conversion tables of docs/interop.md, checked row by row on every backend.

Klong -> Python: ``k(source)`` must give the row's Python value.
Python -> Klong: ``k[name] = value`` must print as the row's Klong text, and
``k[name]`` must give the row's last column back.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest

from klong import KlongError, KlongInterpreter
from klong.interop import KlongCallable
from klong.values import Char, Symbol

np = pytest.importorskip("numpy")

DOC = Path(__file__).resolve().parents[3] / "docs" / "interop.md"
_CELL = re.compile(r"`([^`]*)`")


def _table(heading: str) -> list[list[str]]:
    """The rows of the first table under ``heading``: the code of each cell."""
    text = DOC.read_text(encoding="utf-8").split(f"### {heading}\n", 1)[1]
    table = text.strip().split("\n\n", 1)[0]  # the table opens the section
    rows = []
    for line in table.splitlines()[2:]:  # past the header and its rule
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows.append([m.group(1) if (m := _CELL.fullmatch(c)) else c for c in cells])
    return rows


KLONG_TO_PYTHON = _table("Klong -> Python")
PYTHON_TO_KLONG = _table("Python -> Klong")


class array:
    """The backend's own array with these values and this dtype."""

    def __init__(self, values: list, dtype: str):
        self.values, self.dtype = values, dtype

    def check(self, k: KlongInterpreter, got: Any) -> None:
        assert isinstance(got, k.backend.array_type), f"{got!r} is not a {k.backend.name} array"
        assert str(got.dtype).removeprefix("torch.") == self.dtype, got
        host = np.asarray(k.backend.tolist(got), dtype=self.dtype)
        assert np.array_equal(host, np.asarray(self.values, dtype=self.dtype)), got


class function:
    """A KlongCallable of this arity; called with ``args`` it gives ``result``."""

    def __init__(self, arity: int, args: tuple, result: Any):
        self.arity, self.args, self.result = arity, args, result

    def check(self, k: KlongInterpreter, got: Any) -> None:
        assert isinstance(got, KlongCallable) and got.arity == self.arity, got
        assert got(*self.args) == self.result


def _namespace() -> dict[str, Any]:
    ns: dict[str, Any] = {"numpy": np, "math": math, "Char": Char, "Symbol": Symbol,
                          "array": array, "function": function}
    try:
        import torch
        ns["torch"] = torch
    except ImportError:
        pass
    return ns


def _evaluate(text: str) -> Any:
    if "torch." in text:
        pytest.importorskip("torch")
    return eval(text, _namespace())  # noqa: S307 - the doc's own table


def _check(k: KlongInterpreter, want: Any, got: Any) -> None:
    """``got`` is ``want``: same types all the way down (1 is not 1.0, nor True)."""
    if isinstance(want, (array, function)):
        want.check(k, got)
    elif isinstance(want, (list, tuple)):
        assert type(got) is type(want) and len(got) == len(want), got
        for w, g in zip(want, got):
            _check(k, w, g)
    elif isinstance(want, dict):
        assert type(got) is dict and list(got) == list(want), got
        for key in want:
            _check(k, want[key], got[key])
    else:
        assert type(got) is type(want) and got == want, got


def test_the_tables_are_there() -> None:
    assert len(KLONG_TO_PYTHON) >= 15 and len(PYTHON_TO_KLONG) >= 30


@pytest.mark.parametrize("row", KLONG_TO_PYTHON, ids=[r[0] for r in KLONG_TO_PYTHON])
def test_klong_to_python(k: KlongInterpreter, row: list[str]) -> None:
    source, python = row[0], row[1]
    got = k(source)
    if python == "interpreter":
        assert got is k
        return
    _check(k, _evaluate(python), got)
    k.run(f"v::{source}")
    _check(k, _evaluate(python), k["v"])  # k[name] converts as k(...) does


@pytest.mark.parametrize("row", PYTHON_TO_KLONG, ids=[r[0] for r in PYTHON_TO_KLONG])
def test_python_to_klong_and_back(k: KlongInterpreter, row: list[str]) -> None:
    python, klong, back = row[0], row[1], row[2]
    value = _evaluate(python)
    if klong.startswith("error: "):
        with pytest.raises(KlongError, match=klong.removeprefix("error: ")):
            k["v"] = value
        assert "v" not in k
        return
    k["v"] = value
    assert k.show(k.run("v")) == klong
    if back == "same":
        assert k["v"] is value
    else:
        _check(k, _evaluate(back), k["v"])
