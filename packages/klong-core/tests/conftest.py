"""Shared fixtures: language tests run once per installed, working backend."""

from __future__ import annotations

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
