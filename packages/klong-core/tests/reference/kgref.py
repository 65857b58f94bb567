"""Shared by the reference tests and ``regen.py``: where the reference
interpreter's files are, and how to run Klong text on kg and on ours."""

from __future__ import annotations

import io
import math
import os
import re
import signal
import sys
import warnings
from pathlib import Path
from typing import Any

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


def klongpath() -> str:
    """KLONGPATH of every reference run: the reference library, then the run's
    ``data/`` folder (files a module loads by name, e.g. covid19's databases)."""
    return f"{reference_lib()}:data"


def program_sources() -> list[Path]:
    """Every ``programs/**/NAME.kg`` outside ``data/`` folders."""
    return sorted(p for p in PROGRAMS.rglob("*.kg") if "data" not in p.relative_to(PROGRAMS).parts[:-1])


def program_files() -> list[Path]:
    """Every program (see :func:`program_sources`) that has its expected output ``NAME.out``."""
    return [p for p in program_sources() if p.with_suffix(".out").is_file()]


def needs_reference_lib(program: Path) -> bool:
    """Whether a program loads a module (``.l``): those come from the reference
    library, which only the ``reference`` session (``--reference-lib``) has."""
    return b".l(" in program.read_bytes()


# -- the expression tables: cases/NAME.tsv ---------------------------------------------
#: what a table records for an expression kg rejected with an error
ERROR = "!error"
#: ... and for one that crashed kg or ran too long (never compared)
CRASH = "!crash"
_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\t": "\\t"}


def escape(text: str) -> str:
    return "".join(_ESCAPES.get(c, c) for c in text)


def unescape(text: str) -> str:
    out, chars = [], iter(text)
    for c in chars:
        out.append({"n": "\n", "t": "\t"}.get(nc := next(chars), nc) if c == "\\" else c)
    return "".join(out)


def read_table(path: Path) -> list[tuple[str, str]]:
    """(expression, kg's output) for each line ``EXPR<TAB>OUTPUT`` of a table."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("## "):
            expr, _, want = line.partition("\t")
            rows.append((unescape(expr), unescape(want)))
    return rows


def write_table(path: Path, rows: list[tuple[str, str]], header: str) -> None:
    lines = [f"## {h}" for h in header.splitlines()] + [f"{escape(e)}\t{escape(w)}" for e, w in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def table_files() -> list[Path]:
    return sorted(CASES.glob("*.tsv"))


# -- running a case on ours -------------------------------------------------------------
class Slow(Exception):
    """A case that ran past its time on ours."""


def our_value(k: Any, expr: str, seconds: float = 5.0) -> str:
    """What ``klong -e EXPR`` prints on interpreter ``k`` (anything the expression
    writes, then its value in kg's one-line form), or ERROR; a Python exception
    (a bug) or a case that runs too long is reported as such. Globals are restored."""
    from klong import KlongError  # here: regen.py runs without klong installed
    saved = dict(k.globals)
    out = io.StringIO()
    stdout, stdin, sys.stdout, sys.stdin = sys.stdout, sys.stdin, out, io.StringIO()  # kg read /dev/null
    old = signal.signal(signal.SIGALRM, _slow)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        value = k(expr)
        return out.getvalue() + k.show(value) + "\n"
    except KlongError:
        return ERROR
    except Slow:
        return "!slow"
    except Exception as e:  # noqa: BLE001 - a bug of ours, shown in the mismatch
        return f"!python {type(e).__name__}: {e}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        sys.stdout, sys.stdin = stdout, stdin
        k.io.from_ch, k.io.to_ch = k.io.cin, k.io.cout
        k.globals.clear()
        k.globals.update(saved)


def _slow(*_: object) -> None:
    raise Slow()


_REAL = re.compile(r"(-?\d+\.\d+(?:e[+-]\d+)?)")


def same(want: str, got: str) -> bool:
    """kg's text and ours agree: identical, or identical but for reals that print
    alike (both plain or both with an exponent) and differ by less than 1e-9
    relatively (kg computes reals in 18 decimal digits, we in binary doubles)."""
    if want == got or want == ERROR or got == ERROR:
        return want == got
    w, g = _REAL.split(want), _REAL.split(got)
    if len(w) != len(g):
        return False
    for i, (a, b) in enumerate(zip(w, g)):
        if i % 2 == 0:
            if a != b:
                return False
        elif ("e" in a) != ("e" in b) or not math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-300):
            return False
    return True


def excluded() -> dict[str, str]:
    """excluded.tsv: expression -> why it is not compared with kg."""
    return _notes(HERE / "excluded.tsv")


def pending() -> dict[str, str]:
    """pending.tsv: expression -> the backends where ours still differs from kg
    (known differences not fixed yet; each is a bug to fix, not a decision)."""
    return _notes(HERE / "pending.tsv")


PENDING_HEADER = ("EXPR<TAB>backends where ours still differs from kg: known, not fixed yet "
                  "(regenerate, never hand-edit)")


def write_pending(rows: dict[str, set[str]]) -> None:
    """pending.tsv: each expression (in the order given) with its backends, sorted."""
    lines = [f"## {PENDING_HEADER}"] + [f"{escape(e)}\t{' '.join(sorted(b))}" for e, b in rows.items()]
    (HERE / "pending.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def working_backends() -> list[str]:
    """The installed backends that load (the ones the tests run on)."""
    from klong.plugins import list_backends
    return [b.name for b in list_backends() if b.status == "ok"]


def mismatches(backend: str, table: Path) -> tuple[list[tuple[str, str]], int]:
    """The cases of ``table`` where ours (on ``backend``) differs from kg, each as
    (expression, a text showing both outputs), and how many cases were compared
    (cases kg crashed on and excluded ones are not)."""
    from klong import KlongInterpreter
    k = KlongInterpreter(backend=backend)
    skip = excluded()
    bad, n = [], 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for expr, want in read_table(table):
            if want == CRASH or expr in skip:
                continue
            n += 1
            got = our_value(k, expr)
            if not same(want, got):
                bad.append((expr, f"{expr}\n    kg:   {want!r}\n    ours: {got!r}"))
    return bad, n


def _notes(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    rows = [line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("## ")]
    return {unescape(e): note for e, note in rows}
