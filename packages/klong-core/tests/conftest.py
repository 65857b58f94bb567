"""Shared fixtures: language tests run once per installed, working backend."""

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


@pytest.fixture(params=BACKENDS)
def backend_name(request: pytest.FixtureRequest) -> str:
    """The name of each installed backend in turn."""
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
    return subprocess.run([sys.executable, "-m", "klong_cli", *args], cwd=cwd, input=stdin,
                          stdin=None if stdin is not None else subprocess.DEVNULL,
                          capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def klong_cli() -> Callable[..., subprocess.CompletedProcess]:
    """Runs the ``klong`` command as a separate process: ``klong_cli(*args, cwd=...)``."""
    return _klong_cli
