"""Shared fixtures: language tests run once per installed, working backend, or
on the backends named by ``--klong-backend NAME`` (the conformance kit's option,
repeatable or comma separated), as nox's dask session does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from klong import KlongInterpreter
from klong.plugins import list_backends

BACKENDS = [b.name for b in list_backends() if b.status == "ok"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--reference-lib", action="store_true",
                     help="also run the tests marked reference_lib, which need the reference "
                          "interpreter's library (nox -s reference)")


def pytest_configure(config: pytest.Config) -> None:
    """With ``--reference-lib`` the library must be there: a missing one is an error."""
    if config.getoption("reference_lib"):
        sys.path.insert(0, str(Path(__file__).parent / "reference"))
        import kgref
        try:
            kgref.reference_lib()
        except FileNotFoundError as e:
            raise pytest.UsageError(f"--reference-lib: {e}") from None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without ``--reference-lib``, tests that need the reference library are
    deselected (counted as such): a clone needs nothing beside it."""
    if config.getoption("reference_lib"):
        return
    dropped = [item for item in items if item.get_closest_marker("reference_lib")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not item.get_closest_marker("reference_lib")]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``backend_name``: each installed backend in turn, or those of ``--klong-backend``."""
    if "backend_name" in metafunc.fixturenames:
        chosen = [n.strip() for opt in metafunc.config.getoption("klong_backend", None) or []
                  for n in opt.split(",") if n.strip()]
        unknown = sorted(set(chosen) - set(BACKENDS))
        if unknown:
            raise pytest.UsageError(f"--klong-backend: {', '.join(unknown)} is not an installed, "
                                    f"working backend (those are: {', '.join(BACKENDS)})")
        metafunc.parametrize("backend_name", list(dict.fromkeys(chosen)) or BACKENDS)


@pytest.fixture
def backend_name(request: pytest.FixtureRequest) -> str:
    """The name of each installed backend in turn (parametrized above)."""
    return request.param


@pytest.fixture
def k(backend_name: str) -> KlongInterpreter:
    """A fresh interpreter on each installed backend."""
    return KlongInterpreter(backend=backend_name)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty directory (relative file names land in it), with no KLONGPATH."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KLONGPATH", raising=False)
    return tmp_path


def _klong_cli(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLONG")}
    # python -m klong: the command is core's (klong-cli adds only the full REPL)
    return subprocess.run([sys.executable, "-m", "klong", *args], cwd=cwd, input=stdin,
                          stdin=None if stdin is not None else subprocess.DEVNULL,
                          capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def klong_cli() -> Callable[..., subprocess.CompletedProcess]:
    """Runs the ``klong`` command as a separate process: ``klong_cli(*args, cwd=...)``."""
    return _klong_cli
