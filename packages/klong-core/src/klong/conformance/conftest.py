"""pytest wiring of the conformance kit, shipped inside klong-core.

    pytest --pyargs klong.conformance --klong-backend NAME [--klong-backend OTHER]

Without ``--klong-backend`` the kit checks ``$KLONG_BACKEND`` if set, else
every installed backend. Each test is parametrized by backend; the cases a
backend excludes (hook ``klong_conformance_exclusions``) are run and reported
as ``xfail`` with the declared reason (``-rxX`` lists them).
"""

from __future__ import annotations

import fnmatch
from typing import Any

import pytest

from klong.conformance.kit import Subject, load_subject, selected_backends

_SUBJECTS = pytest.StashKey[list[Subject]]()


def pytest_configure(config: pytest.Config) -> None:
    from klong.plugins import installed_backends

    installed = installed_backends()
    names = selected_backends(config.getoption("klong_backend"), installed)
    unknown = [n for n in names if n not in installed]
    if unknown:
        raise pytest.UsageError(
            f"--klong-backend: unknown backend {', '.join(map(repr, unknown))} "
            f"(installed: {', '.join(installed) or 'none'})")
    if not names:
        raise pytest.UsageError("the conformance kit found no installed Klong backend")
    config.stash[_SUBJECTS] = [load_subject(n) for n in names]


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Say which backends were checked, as their plugins describe them (the
    header comes too early: this conftest is found during collection)."""
    terminalreporter.section("klong conformance")
    for s in config.stash.get(_SUBJECTS, []):
        if s.error:
            terminalreporter.write_line(f"klong backend {s.name}: does not load: {s.error}")
        else:
            assert s.info is not None
            terminalreporter.write_line(
                f"klong backend {s.name}: float64={s.info.float64} autograd={s.info.autograd} "
                f"exclusions={len(s.exclusions)}")


def _marks(subject: Subject, why: str | None, test_name: str) -> list[pytest.MarkDecorator]:
    if subject.error and test_name != "test_backend_loads":
        return [pytest.mark.skip(reason=f"backend {subject.name} does not load "
                                        "(test_backend_loads says why)")]
    if why is not None:
        return [pytest.mark.xfail(reason=f"excluded by {subject.name}: {why}", strict=False)]
    return []


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``subject`` (and ``case``) over the selected backends."""
    if "subject" not in metafunc.fixturenames:
        return
    subjects = metafunc.config.stash[_SUBJECTS]
    test_name = metafunc.function.__name__
    if "case" in metafunc.fixturenames:
        params = [pytest.param(s, c, id=f"{s.name}-{c.id}",
                               marks=_marks(s, s.reason(c), test_name))
                  for s in subjects for c in s.cases()]
        metafunc.parametrize(("subject", "case"), params)
        return
    params = []
    for s in subjects:
        why = next((r for sel, r in s.exclusions.items()
                    if fnmatch.fnmatchcase(test_name, sel)), None)
        params.append(pytest.param(s, id=s.name, marks=_marks(s, why, test_name)))
    metafunc.parametrize("subject", params)
