"""Load and check the Klong conformance cases.

Case files (``cases/*.kc``) are line based::

    # a comment
    <klong program>  -->  <expected>

The separator is the first occurrence of ``"  -->  "`` (two spaces, arrow,
two spaces).  Blank lines and lines starting with ``#`` are ignored.  The
program is evaluated in a fresh interpreter and the value of its last
expression is compared with ``<expected>``, which is one of:

``!error``
    the program must raise :class:`klong.KlongError` (any other exception
    type is a failure: the interpreter must never leak Python exceptions);
``~<klong expression>``
    the result must match (Klong ``~``) the value of that expression,
    evaluated afterwards in the same interpreter (used for inexact reals);
anything else
    the display string of the result (``KlongInterpreter.show``).

Leading and trailing blanks of both sides are not significant, so a program
must not end in a significant blank (write ``(#0c )``, not ``#0c ``).

The runner only uses this interpreter API: ``KlongInterpreter(backend=...)``,
``k(program)`` (returns the value of the last expression), ``k.show(value)``,
``k[name] = value`` and :class:`klong.KlongError`.  It imports :mod:`klong`
lazily, so the case tables can be parsed without an interpreter.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

SEPARATOR = "  -->  "
ERROR = "!error"
MATCH_PREFIX = "~"
CASES_DIR = Path(__file__).resolve().parent / "cases"

# Klong variables the runner binds for "~" cases (valid Klong symbols that no
# case uses).
_ACTUAL = "kcConformanceActual"
_EXPECTED = "kcConformanceExpected"


class CaseFormatError(ValueError):
    """A line of a case file is neither blank, a comment, nor a case."""


@dataclass(frozen=True)
class Case:
    file: str  # file name, e.g. "adverbs.kc"
    line: int  # 1-based line number
    program: str
    expected: str

    @property
    def kind(self) -> str:
        """``"error"``, ``"match"`` or ``"display"``."""
        if self.expected == ERROR:
            return "error"
        if self.expected.startswith(MATCH_PREFIX):
            return "match"
        return "display"

    @property
    def id(self) -> str:
        return f"{self.file}:{self.line}"

    def __str__(self) -> str:
        return f"{self.id}: {self.program}{SEPARATOR}{self.expected}"


def parse_case_text(text: str, file: str = "<string>") -> list[Case]:
    """Parse the text of one ``.kc`` file."""
    cases: list[Case] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if SEPARATOR not in raw:
            raise CaseFormatError(f"{file}:{number}: no {SEPARATOR.strip()!r} separator: {raw!r}")
        program, expected = raw.split(SEPARATOR, 1)
        program, expected = program.strip(), expected.strip()
        if not program:
            raise CaseFormatError(f"{file}:{number}: empty program")
        if not expected or expected == MATCH_PREFIX:
            raise CaseFormatError(f"{file}:{number}: empty expectation")
        cases.append(Case(file, number, program, expected))
    return cases


def case_files(directory: Path | str | None = None) -> list[Path]:
    """The ``.kc`` files of ``directory`` (default: the shipped cases), sorted."""
    return sorted(Path(directory or CASES_DIR).glob("*.kc"))


def load_cases(paths: Iterable[Path | str] | None = None) -> list[Case]:
    """Load cases from ``paths`` (files or directories); default: all shipped
    case files."""
    files: list[Path] = []
    for p in [CASES_DIR] if paths is None else paths:
        p = Path(p)
        files.extend(case_files(p) if p.is_dir() else [p])
    cases: list[Case] = []
    for f in files:
        cases.extend(parse_case_text(f.read_text(encoding="utf-8"), f.name))
    return cases


def _show(k: Any, value: Any) -> str:
    try:
        return k.show(value)
    except Exception as exc:  # noqa: BLE001 - reported, not hidden
        return f"<show() failed: {type(exc).__name__}: {exc}>"


def check(interp_factory: Callable[[], Any], case: Case) -> None:
    """Run ``case`` in a fresh interpreter made by ``interp_factory()``.

    Returns ``None`` on success and raises :class:`AssertionError` with a
    readable message otherwise.
    """
    from klong import KlongError  # lazy: parsing cases needs no interpreter

    k = interp_factory()
    where = f"{case}\n"

    if case.kind == "error":
        try:
            value = k(case.program)
        except KlongError:
            return
        except Exception as exc:  # noqa: BLE001
            raise AssertionError(
                f"{where}expected a KlongError, got a leaked Python {type(exc).__name__}: {exc}"
            ) from exc
        raise AssertionError(f"{where}expected a KlongError, got the value {_show(k, value)}")

    try:
        value = k(case.program)
    except KlongError as exc:
        raise AssertionError(f"{where}expected {case.expected}, got KlongError: {exc}") from exc
    except Exception as exc:  # noqa: BLE001
        raise AssertionError(
            f"{where}expected {case.expected}, got a leaked Python {type(exc).__name__}: {exc}"
        ) from exc

    if case.kind == "display":
        shown = _show(k, value)
        if shown != case.expected:
            raise AssertionError(f"{where}expected {case.expected}\n     got {shown}")
        return

    other = case.expected[len(MATCH_PREFIX) :].strip()
    try:
        reference = k(other)
        k[_ACTUAL] = value
        k[_EXPECTED] = reference
        verdict = k(f"{_ACTUAL}~{_EXPECTED}")
    except Exception as exc:  # noqa: BLE001
        raise AssertionError(
            f"{where}could not evaluate the expectation {other!r}: {type(exc).__name__}: {exc}"
        ) from exc
    if _show(k, verdict) != "1":
        raise AssertionError(
            f"{where}expected a value matching {other} ({_show(k, reference)})\n     got {_show(k, value)}"
        )
