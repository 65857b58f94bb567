"""The conformance kit's logic, kept apart from pytest: which backends to
check, what each one declares about itself, and which cases it excludes.

``conftest.py`` (beside this file) wires it into pytest; run it with::

    pytest --pyargs klong.conformance --klong-backend NAME
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path

from klong.backend import BackendInfo
from klong.conformance.runner import CASES_DIR, Case, load_cases

#: exact differentiation cases, checked only on backends that declare autograd
AUTOGRAD_DIR = Path(__file__).resolve().parent / "autograd"


def selected_backends(option: list[str] | None, installed: list[str]) -> list[str]:
    """Backends to check: ``--klong-backend`` (repeatable, or comma separated),
    else ``$KLONG_BACKEND``, else every installed backend."""
    names = [n.strip() for opt in option or [] for n in opt.split(",") if n.strip()]
    if not names:
        env = os.environ.get("KLONG_BACKEND", "").strip()
        names = [env] if env else list(installed)
    return list(dict.fromkeys(names))


@dataclass
class Subject:
    """One backend under test, as its plugin describes it."""

    name: str
    info: BackendInfo | None = None
    exclusions: dict[str, str] = field(default_factory=dict)
    error: str = ""  # why the plugin could not be loaded ("" when it loaded)

    def cases(self) -> list[Case]:
        """The language cases, plus exact differentiation where declared."""
        cases = load_cases([CASES_DIR])
        if self.info is not None and self.info.autograd:
            cases += load_cases([AUTOGRAD_DIR])
        return cases

    def reason(self, case: Case) -> str | None:
        """The declared reason ``case`` is excluded, or None."""
        for selector, why in self.exclusions.items():
            if selects(selector, case):
                return why
        return None

    def unused_exclusions(self, cases: list[Case], tests: list[str]) -> list[str]:
        """Selectors that select no case and no test (stale declarations)."""
        return [s for s in self.exclusions
                if not any(selects(s, c) for c in cases)
                and not any(fnmatch.fnmatchcase(t, s) for t in tests)]


def selects(selector: str, case: Case) -> bool:
    """Whether an exclusion selector names ``case``: its exact program, its id
    ``FILE.kc:LINE`` or its file ``FILE.kc`` (ids and files take wildcards)."""
    return (selector == case.program or fnmatch.fnmatchcase(case.id, selector)
            or fnmatch.fnmatchcase(case.file, selector))


def load_subject(name: str) -> Subject:
    """Describe backend ``name`` through its plugin (imports the plugin module,
    not the array library). Failures are recorded, never raised."""
    from klong.plugins import BackendRegistry

    try:
        pm = BackendRegistry().plugin_manager_for(name)
        (info,) = [i for i in pm.hook.klong_backend() if i is not None]
        exclusions: dict[str, str] = {}
        for answer in pm.hook.klong_conformance_exclusions(backend_name=name):
            for selector, why in (answer or {}).items():
                exclusions[str(selector)] = str(why)
    except Exception as exc:  # noqa: BLE001 - reported by test_backend_loads
        return Subject(name, error=f"{type(exc).__name__}: {exc}")
    return Subject(name, info, exclusions)
