"""Conformance tests: every case of ``klong/conformance/cases/*.kc`` on every
backend, plus checks of the case files themselves.

The case tables are derived from the Klong reference manual; see
``klong.conformance.runner`` for the file format.
"""

from __future__ import annotations

import importlib
import os
from collections import Counter

import pytest

from klong.conformance.runner import (
    CASES_DIR,
    SEPARATOR,
    CaseFormatError,
    case_files,
    check,
    load_cases,
    parse_case_text,
)

CASES = load_cases()

EXPECTED_FILES = {
    "lexemes.kc",
    "syntax.kc",
    "values.kc",
    "verbs.kc",
    "projection.kc",
    "arguments.kc",
    "conditionals.kc",
    "adverbs.kc",
    "arrays.kc",
    "operators_a_to_f.kc",
    "operators_g_to_m.kc",
    "operators_n_to_z.kc",
    "functions.kc",
    "variables.kc",
    "modules.kc",
    "errors.kc",
}


# ---------------------------------------------------------------------------
# The case files themselves (need no interpreter)
# ---------------------------------------------------------------------------


def test_all_case_files_present():
    assert EXPECTED_FILES <= {p.name for p in case_files()}


def test_every_line_is_blank_comment_or_case():
    for path in case_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                assert SEPARATOR in line, f"{path.name}:{number}: {line!r}"


def test_every_group_names_its_spec_section():
    for path in case_files():
        text = path.read_text(encoding="utf-8")
        first_case = next((l for l in text.splitlines() if l.strip() and not l.lstrip().startswith("#")), None)
        if first_case is None:
            continue
        head = text[: text.index(first_case)]
        assert "# spec:" in head, f"{path.name}: no '# spec:' comment before the first case"


def test_cases_load_and_are_many():
    assert len(CASES) >= 600
    per_file = Counter(c.file for c in CASES)
    assert set(per_file) == {p.name for p in case_files()}
    assert all(per_file[f] > 0 for f in per_file)


def test_no_duplicate_cases():
    dups = [k for k, n in Counter((c.program, c.expected) for c in CASES).items() if n > 1]
    assert not dups, f"duplicate cases: {dups}"


def test_no_conflicting_expectations():
    seen: dict[str, set[str]] = {}
    for c in CASES:
        seen.setdefault(c.program, set()).add(c.expected)
    conflicts = {p: e for p, e in seen.items() if len(e) > 1}
    assert not conflicts, f"same program, different expectations: {conflicts}"


def test_runner_variables_unused_by_cases():
    assert not any("kcConformance" in c.program for c in CASES)


def test_parser_splits_at_first_separator():
    text = '# c\n\n1+1  -->  2\n:"a  -->  b";3  -->  3\n  2  -->  ~2.0\nfoo  -->  !error\n'
    cases = parse_case_text(text, "t.kc")
    assert [(c.line, c.program, c.expected, c.kind) for c in cases] == [
        (3, "1+1", "2", "display"),
        (4, ':"a', 'b";3  -->  3', "display"),
        (5, "2", "~2.0", "match"),
        (6, "foo", "!error", "error"),
    ]
    assert cases[0].id == "t.kc:3"


@pytest.mark.parametrize("bad", ["1+1 --> 2", "1+1", "  -->  2", "1  -->  ", "1  -->  ~"])
def test_parser_rejects_malformed_lines(bad):
    with pytest.raises(CaseFormatError):
        parse_case_text(bad + "\n", "bad.kc")


def test_load_cases_accepts_files_and_directories(tmp_path):
    f = tmp_path / "x.kc"
    f.write_text("# spec: test\n1  -->  1\n", encoding="utf-8")
    assert [c.program for c in load_cases([f])] == ["1"]
    assert [c.program for c in load_cases([tmp_path])] == ["1"]
    assert len(load_cases([CASES_DIR])) == len(CASES)


# ---------------------------------------------------------------------------
# The cases, on every backend
# ---------------------------------------------------------------------------


# TODO(lead): move this fixture to the shared conftest.py (parametrized over the
# discovered backends) and delete it here.  KLONG_BACKEND=<name> (as set by the
# nox "conformance" session) restricts the run to that one backend.
_BACKENDS = [os.environ["KLONG_BACKEND"]] if os.environ.get("KLONG_BACKEND") else ["numpy", "torch"]


@pytest.fixture(params=_BACKENDS)
def klong_backend(request):
    if request.param == "torch":
        try:
            importlib.import_module("klong_torch")
        except ImportError as exc:
            pytest.skip(f"klong_torch not importable: {exc}")
    return request.param


@pytest.fixture
def interp_factory(klong_backend):
    try:
        from klong import KlongInterpreter
    except ImportError as exc:  # the interpreter is not written yet
        pytest.skip(f"klong.KlongInterpreter not available: {exc}")
    return lambda: KlongInterpreter(backend=klong_backend)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_conformance(interp_factory, case):
    check(interp_factory, case)
