"""Every conformance case (``cases/*.kc``, and ``autograd/*.kc`` where the
backend declares autograd) on every selected backend: the language, printing
(cases compare the printed form) and errors (``!error`` cases must raise a
KlongError, never a Python exception)."""

from __future__ import annotations

from klong import KlongInterpreter
from klong.conformance.kit import Subject
from klong.conformance.runner import Case, check


def test_case(subject: Subject, case: Case) -> None:
    check(lambda: KlongInterpreter(backend=subject.name), case)
