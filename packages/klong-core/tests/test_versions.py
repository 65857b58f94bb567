"""All four distributions carry one version: klong.__version__."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import pytest

import klong

PACKAGES = Path(__file__).parents[2]
NAMES = ["klong-core", "klong-cli", "klong-numpy", "klong-torch"]


@pytest.mark.parametrize("name", NAMES)
def test_versions_agree(name: str) -> None:
    project = tomllib.loads((PACKAGES / name / "pyproject.toml").read_text())["project"]
    assert project["version"] == klong.__version__
    assert metadata.version(name) == klong.__version__  # the installed build is this checkout's
    module = __import__(name.replace("-", "_").replace("klong_core", "klong"))
    assert module.__version__ == klong.__version__


@pytest.mark.parametrize("name", ["klong-numpy", "klong-torch"])
def test_backends_bring_the_klong_command(name: str) -> None:
    """A backend depends on klong-cli, so installing it gives the `klong` command."""
    requires = [r.split(";")[0].replace(" ", "") for r in metadata.requires(name) or []]
    assert any(r.startswith("klong-cli") for r in requires), requires
    assert any(r.startswith("klong-core") for r in requires), requires
