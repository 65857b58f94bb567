"""The conformance kit end to end: ``pytest --pyargs klong.conformance
--klong-backend NAME`` in a subprocess, against a backend discovered through
real installed metadata (a ``.dist-info`` on ``PYTHONPATH``) that has a known
gap and declares it. Plus the kit's selection and matching rules."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from klong.conformance.kit import Subject, selected_backends, selects
from klong.conformance.runner import Case

PLUGIN = '''
import pluggy
from klong.backend import BackendInfo
from klong_numpy.backend import NumpyBackend

hookimpl = pluggy.HookimplMarker("klong")


class Gappy(NumpyBackend):
    """NumPy, except that its products are sums: a gap to declare."""
    name = "gappy"

    def reduce(self, op, a):
        return super().reduce("sum" if op == "prod" else op, a)


@hookimpl
def klong_backend():
    return BackendInfo(name="gappy", factory=lambda device=None, precision=None: Gappy())


@hookimpl
def klong_conformance_exclusions(backend_name):
    return {"*/[1 2 3 4]": "products are not implemented yet", "nosuch.kc": "a stale one"}
'''


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    pytest.importorskip("klong_numpy")
    d = tmp_path_factory.mktemp("site")
    (d / "gappy_plugin.py").write_text(PLUGIN)
    info = d / "klong_gappy-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: klong-gappy\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[klong.backends]\ngappy = gappy_plugin\n")
    (d / "broken_plugin.py").write_text("import nosuchlib\n")
    info = d / "klong_broken-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: klong-broken\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[klong.backends]\nbroken = broken_plugin\n")
    return d


def kit(site: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]))
    env.pop("KLONG_BACKEND", None)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                           "--pyargs", "klong.conformance", *args],
                          cwd=site, env=env, capture_output=True, text=True, timeout=300)


def test_declared_gaps_are_xfail_with_their_reason(site: Path) -> None:
    r = kit(site, "--klong-backend", "gappy", "-rfxX", "-k",
            "adverbs.kc:65 or adverbs.kc:77 or test_exclusions or test_backend_loads")
    out = r.stdout
    assert r.returncode == 1, out
    # the declared gap: run, and reported as an expected failure with its reason
    assert re.search(r"XFAIL .*gappy-adverbs\.kc:65.*products are not implemented yet", out), out
    # an undeclared case with the same gap still fails
    assert "FAILED" in out and "gappy-adverbs.kc:77" in out
    # a declaration that selects nothing is reported
    assert "nosuch.kc" in out and "test_exclusions_name_existing_cases[gappy]" in out
    assert re.search(r"2 failed, 1 passed, .*1 xfailed", out), out
    assert "klong backend gappy: float64=True autograd=False exclusions=2" in out


def test_a_broken_backend_fails_loudly_once(site: Path) -> None:
    r = kit(site, "--klong-backend", "broken", "-rfs", "-k", "syntax.kc or test_backend_loads")
    assert r.returncode == 1, r.stdout
    assert "FAILED" in r.stdout and "test_backend_loads[broken]" in r.stdout
    assert "nosuchlib" in r.stdout
    assert re.search(r"1 failed, \d+ skipped", r.stdout), r.stdout  # the cases: skipped, not 100 errors
    assert re.search(r"klong backend broken: does not load: .*nosuchlib", r.stdout), r.stdout


def test_unknown_backend_is_a_usage_error(site: Path) -> None:
    r = kit(site, "--klong-backend", "nosuch", "-q")
    assert r.returncode != 0
    assert "unknown backend 'nosuch'" in r.stdout + r.stderr
    assert "gappy" in r.stdout + r.stderr  # the installed ones are named


def test_selection_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KLONG_BACKEND", raising=False)
    assert selected_backends(None, ["a", "b"]) == ["a", "b"]
    assert selected_backends(["b,a", "b"], ["a", "b"]) == ["b", "a"]
    monkeypatch.setenv("KLONG_BACKEND", "b")
    assert selected_backends([], ["a", "b"]) == ["b"]
    assert selected_backends(["a"], ["a", "b"]) == ["a"]


def test_selectors() -> None:
    case = Case("adverbs.kc", 65, "*/[1 2 3 4]", "24")
    assert selects("*/[1 2 3 4]", case) and selects("adverbs.kc:65", case)
    assert selects("adverbs.kc", case) and selects("adv*.kc", case) and selects("*.kc:6?", case)
    assert not selects("*/[1 2 3]", case) and not selects("adverbs.kc:66", case)
    s = Subject("x", exclusions={"adverbs.kc:65": "why", "nothing.kc": "stale", "test_a*": "t"})
    assert s.reason(case) == "why"
    assert s.unused_exclusions([case], ["test_alpha"]) == ["nothing.kc"]
