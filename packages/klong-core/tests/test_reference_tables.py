"""The reference tables: every operator, adverb and system function over a
matrix of argument kinds, and seeded random programs (reference/randprog.py)
(reference/cases/*.tsv, kg's outputs), evaluated
in-process on every installed backend; ours must print what kg printed
(reals to 1e-9, see kgref.same), or fail where kg failed.

Not compared: cases in reference/excluded.tsv (a quirk of kg or a deliberate
difference, each with its reason, listed in docs/reference-differences.md).
reference/pending.tsv lists the differences found and not fixed yet: they
are reported, not failed; a pending case that now matches fails the test
until its line is removed (``python reference/regen.py pending``), so that
the list only shrinks."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "reference"))
import kgref  # noqa: E402

TABLES = kgref.table_files()
EXCLUDED = kgref.excluded()
PENDING = kgref.pending()


def test_there_are_tables() -> None:
    assert {"monads", "dyads", "adverbs", "sysfns", "random"} <= {t.stem for t in TABLES}


def test_every_exclusion_names_a_case_and_a_reason() -> None:
    cases = {e for t in TABLES for e, _ in kgref.read_table(t)}
    assert all(EXCLUDED.values())
    assert set(EXCLUDED) <= cases, set(EXCLUDED) - cases
    assert not set(EXCLUDED) & set(PENDING)
    assert set(PENDING) <= cases, f"pending cases not in any table (run regen.py pending): {set(PENDING) - cases}"


@pytest.mark.parametrize("table", TABLES, ids=[t.stem for t in TABLES])
def test_table_matches_kg(table: Path, backend_name: str) -> None:
    bad, n = kgref.mismatches(backend_name, table)
    pending = {e for e, backends in PENDING.items() if backend_name in backends.split()}
    new = [text for expr, text in bad if expr not in pending]
    fixed = sorted(pending & {e for e, _ in kgref.read_table(table)} - {e for e, _ in bad})
    print(f"{table.stem} on {backend_name}: {n} cases compared, {len(bad)} pending differences")
    assert not new, f"{len(new)} of {n} cases differ from kg:\n" + "\n".join(new[:40])
    assert not fixed, (
        f"{len(fixed)} cases of reference/pending.tsv now match kg on {backend_name}: run "
        "`python regen.py pending` in tests/reference (or remove these lines):\n" + "\n".join(fixed[:40]))


def test_every_exclusion_is_documented() -> None:
    page = (kgref.REPO / "docs" / "reference-differences.md").read_text(encoding="utf-8")
    tags = {why.split("]", 1)[0] + "]" for why in EXCLUDED.values()}
    assert all(why.startswith("[") for why in EXCLUDED.values())
    missing = [t for t in tags if f"`{t}`" not in page]
    assert not missing, f"add rows for these tags to docs/reference-differences.md: {missing}"
