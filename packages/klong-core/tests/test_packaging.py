"""What ``pip show`` and an index show of every distribution: a summary, the MIT
license (its file inside each), a readme, project URLs, classifiers, keywords,
``py.typed``."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PROJECTS = {"klong-core": "packages/klong-core", "klong-numpy": "packages/klong-numpy",
            "klong-torch": "packages/klong-torch", "klong-cli": "packages/klong-cli",
            "klong-dask": "packages/klong-dask",
            "klong-autograd": "examples/klong-backend-example"}
URLS = {"Homepage", "Documentation", "Repository", "Issues", "Changelog"}


@pytest.mark.parametrize("name", PROJECTS)
def test_project_metadata(name: str) -> None:
    folder = ROOT / PROJECTS[name]
    project = tomllib.loads((folder / "pyproject.toml").read_text())["project"]
    assert project["name"] == name and project["description"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert (folder / "LICENSE").read_text() == (ROOT / "LICENSE").read_text()
    assert (folder / project["readme"]).read_text().startswith("# ")
    assert URLS <= set(project["urls"])
    assert project["keywords"] and "klong" in project["keywords"]
    assert "Typing :: Typed" in project["classifiers"]
    package = next((folder / "src").glob("*/__init__.py")).parent
    assert (package / "py.typed").is_file()


@pytest.mark.parametrize("name", [n for n in PROJECTS if n not in ("klong-autograd", "klong-dask")])
def test_installed_metadata(name: str) -> None:
    """What ``pip show NAME`` prints comes from here."""
    meta = metadata.metadata(name)
    assert meta["Summary"] and meta["License-Expression"] == "MIT"
    urls = {u.split(",")[0] for u in meta.get_all("Project-URL") or []}
    assert URLS <= urls


def test_changelog_names_this_version() -> None:
    import klong

    assert f"## {klong.__version__}" in (ROOT / "CHANGELOG.md").read_text()
