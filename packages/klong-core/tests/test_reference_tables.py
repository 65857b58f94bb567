"""The reference tables: every operator, adverb and system function over a
matrix of argument kinds (reference/cases/*.tsv, kg's outputs), evaluated
in-process on every installed backend; ours must print what kg printed
(reals to 1e-9, see kgref.same), or fail where kg failed.

Not compared: cases in reference/excluded.tsv (a quirk of kg or a deliberate
difference, each with its reason, listed in docs/reference-differences.md).
reference/pending.tsv lists the differences found and not fixed yet: they
are reported, not failed; a pending case that now matches is reported too,
so that the list only shrinks."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest

from klong import KlongInterpreter

sys.path.insert(0, str(Path(__file__).parent / "reference"))
import kgref  # noqa: E402

TABLES = kgref.table_files()
EXCLUDED = kgref.excluded()
PENDING = kgref.pending()


def mismatches(backend: str, table: Path) -> tuple[list[str], int]:
    """The cases of ``table`` where ours differs from kg, and how many were compared."""
    k = KlongInterpreter(backend=backend)
    bad, n = [], 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for expr, want in kgref.read_table(table):
            if want == kgref.CRASH or expr in EXCLUDED:
                continue
            n += 1
            got = kgref.our_value(k, expr)
            if not kgref.same(want, got):
                bad.append((expr, f"{expr}\n    kg:   {want!r}\n    ours: {got!r}"))
    return bad, n


def test_there_are_tables() -> None:
    assert {"monads", "dyads", "adverbs", "sysfns"} <= {t.stem for t in TABLES}


def test_every_exclusion_names_a_case_and_a_reason() -> None:
    cases = {e for t in TABLES for e, _ in kgref.read_table(t)}
    assert all(EXCLUDED.values())
    assert set(EXCLUDED) <= cases, set(EXCLUDED) - cases
    assert not set(EXCLUDED) & set(PENDING)


@pytest.mark.parametrize("table", TABLES, ids=[t.stem for t in TABLES])
def test_table_matches_kg(table: Path, backend_name: str) -> None:
    bad, n = mismatches(backend_name, table)
    new = [text for expr, text in bad if expr not in PENDING]
    print(f"{table.stem} on {backend_name}: {n} cases compared, {len(bad)} pending differences")
    assert not new, f"{len(new)} of {n} cases differ from kg:\n" + "\n".join(new[:40])


def test_every_exclusion_is_documented() -> None:
    page = (kgref.REPO / "docs" / "reference-differences.md").read_text(encoding="utf-8")
    tags = {why.split("]", 1)[0] + "]" for why in EXCLUDED.values()}
    assert all(why.startswith("[") for why in EXCLUDED.values())
    missing = [t for t in tags if f"`{t}`" not in page]
    assert not missing, f"add rows for these tags to docs/reference-differences.md: {missing}"
