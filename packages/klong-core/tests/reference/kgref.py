"""Shared by the reference tests and ``regen.py``: where the reference
interpreter's files are, and how to run Klong text on kg and on ours."""

from __future__ import annotations

import os
from pathlib import Path

HERE = Path(__file__).parent
REPO = HERE.parents[3]
PROGRAMS = HERE / "programs"
CASES = HERE / "cases"


def reference_dir() -> Path | None:
    """``shared/reference/klong-c`` beside the clone (or beside a folder above it,
    as for a worktree), or the parent of ``$KLONG_REFERENCE_LIB``."""
    env = os.environ.get("KLONG_REFERENCE_LIB")
    if env:
        return Path(env).resolve().parent
    for folder in [REPO, *REPO.parents]:
        candidate = folder.parent / "shared" / "reference" / "klong-c"
        if (candidate / "lib").is_dir():
            return candidate
    return None


def reference_lib() -> Path:
    """The reference's library folder (the KLONGPATH of every reference run)."""
    env = os.environ.get("KLONG_REFERENCE_LIB")
    folder = Path(env) if env else (reference_dir() or REPO.parent / "shared/reference/klong-c") / "lib"
    if not folder.is_dir():
        raise FileNotFoundError(
            f"the reference library is not at {folder}: put the shared/ folder beside the clone "
            "(../shared/reference/klong-c/lib) or set KLONG_REFERENCE_LIB to its lib/ folder")
    return folder.resolve()


def program_files() -> list[Path]:
    """Every ``programs/**/NAME.kg`` that has its expected output ``NAME.out``."""
    return sorted(p for p in PROGRAMS.rglob("*.kg") if p.with_suffix(".out").is_file())
