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


def test_core_ships_the_klong_command() -> None:
    """`pip install klong-core klong-torch` (even from local paths) gives `klong`:
    the command is klong-core's; klong-cli only adds the full REPL."""
    scripts = [ep for ep in metadata.distribution("klong-core").entry_points
               if ep.group == "console_scripts"]
    assert [(ep.name, ep.value) for ep in scripts] == [("klong", "klong.command:main")]
    assert not [ep for ep in metadata.distribution("klong-cli").entry_points
                if ep.group == "console_scripts"]  # one owner for bin/klong


@pytest.mark.parametrize("name", ["klong-numpy", "klong-torch"])
def test_backends_need_only_core(name: str) -> None:
    """Nothing a local-path install could not find: a backend requires klong-core alone."""
    requires = [r.split(";")[0].replace(" ", "") for r in metadata.requires(name) or []]
    ours = [r for r in requires if r.startswith("klong")]
    assert ours and all(r.startswith("klong-core") for r in ours), requires
