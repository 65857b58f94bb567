"""Program files run by our ``klong`` print exactly what the reference
interpreter printed: every ``reference/programs/**/NAME.kg`` with a sibling
``NAME.out`` (kg's stdout, see reference/README.md), on every installed
backend, with the reference library and ``data/`` as KLONGPATH and the file's
folder as the working directory. The command runs in-process (one start-up per
backend), reading an empty standard input as kg did from /dev/null.

Programs that load a module need the reference library (``shared/`` beside the
clone): they are marked ``reference_lib`` and run only with ``--reference-lib``
(``nox -s reference``); the others run in every test session."""

from __future__ import annotations

import io
import sys
import warnings
from pathlib import Path

import pytest

from klong.command import main

sys.path.insert(0, str(Path(__file__).parent / "reference"))
import kgref  # noqa: E402

LIB = pytest.mark.reference_lib
PROGRAMS = [pytest.param(p, marks=[LIB] if kgref.needs_reference_lib(p) else [],
                         id=str(p.relative_to(kgref.PROGRAMS))) for p in kgref.program_files()]


def run_klong(path: Path, backend: str, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """Our ``klong --backend BACKEND NAME.kg </dev/null`` in NAME's folder: its stdout
    (KLONGPATH: the reference library where the program loads modules, and ``data/``)."""
    monkeypatch.setenv("KLONGPATH", kgref.klongpath() if kgref.needs_reference_lib(path) else "data")
    monkeypatch.chdir(path.parent)
    out = io.BytesIO()
    stdout = io.TextIOWrapper(out, encoding="utf-8", newline="\n", write_through=True)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8"))
    monkeypatch.setattr(sys, "stdout", stdout)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        main(["--backend", backend, path.name])
    stdout.flush()
    return out.getvalue()


@LIB
def test_reference_library_is_there() -> None:
    assert kgref.reference_lib().joinpath("nstat.kg").is_file()


def test_there_are_programs_of_both_kinds() -> None:
    lib = [p for p in kgref.program_files() if kgref.needs_reference_lib(p)]
    assert lib and len(lib) < len(PROGRAMS), f"programs with .out files under {kgref.PROGRAMS}"


@pytest.mark.parametrize("path", PROGRAMS)
def test_program_prints_what_kg_prints(path: Path, backend_name: str,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    want = path.with_suffix(".out").read_bytes()
    got = run_klong(path, backend_name, monkeypatch)
    assert got.decode("utf-8", "replace") == want.decode("utf-8", "replace")
    assert got == want


def test_expressions_print_as_kg_prints_them(backend_name: str, capsys: pytest.CaptureFixture) -> None:
    """``klong -e EXPR`` shows Klong's own value, as ``kg -e``: a function is its kind."""
    assert main(["--backend", backend_name, "-e", ".rl", "-e", "{x}", "-e", ".mi", "-e", "[1 2]"]) == 0
    assert capsys.readouterr().out == ":nilad\n:monad\n:monad\n[1 2]\n"
