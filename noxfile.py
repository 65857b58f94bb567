"""Development sessions: ``nox`` runs the default ones (what CI runs).

- ``tests``: the four distributions installed (not editable), every package's tests.
- ``pkg``: one package's tests (``nox -s "pkg(package='klong-cli')"``).
- ``conformance``: core's language tests on every installed backend.
- ``lint``: ruff.
- ``bench``: the benchmarks (prints ratios, never fails on speed).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nox

ROOT = Path(__file__).parent
PACKAGES = ["klong-core", "klong-cli", "klong-numpy", "klong-torch"]
CONSTRAINTS = ("-c", "constraints-dev.txt")

nox.options.sessions = ["tests", "conformance", "lint"]
nox.options.reuse_venv = "yes"


def install_klong(session: nox.Session, *extra: str) -> None:
    """Install the four distributions from this checkout (fresh builds), plus ``extra``."""
    for pkg in PACKAGES:  # setuptools reuses build/ dirs: stale files must not ship
        shutil.rmtree(ROOT / "packages" / pkg / "build", ignore_errors=True)
    session.install(*CONSTRAINTS, "--force-reinstall", "--no-deps",
                    *[f"./packages/{p}" for p in PACKAGES])
    session.install(*CONSTRAINTS, *[f"./packages/{p}" for p in PACKAGES], *extra)


@nox.session
def tests(session: nox.Session) -> None:
    """Every package's tests against the installed distributions."""
    install_klong(session, "pytest", "setuptools>=70.1")
    session.run("pytest", *session.posargs, success_codes=[0, 5])


@nox.session
@nox.parametrize("package", PACKAGES)
def pkg(session: nox.Session, package: str) -> None:
    """One package's tests."""
    install_klong(session, "pytest", "setuptools>=70.1")
    session.run("pytest", f"packages/{package}/tests", *session.posargs, success_codes=[0, 5])


@nox.session
def conformance(session: nox.Session) -> None:
    """Core's language suite (``klong.conformance``) on every installed backend."""
    install_klong(session, "pytest")
    listing = session.run("klong", "--list-backends", "--json", silent=True)
    names = [row["name"] for row in json.loads(listing) if row["status"] == "ok"]
    if not names:
        session.error("no working backend is installed")
    for name in names:
        session.log(f"conformance on backend {name}")
        session.run("pytest", "-p", "no:cacheprovider", "--pyargs", "klong.conformance",
                    "--klong-backend", name, *session.posargs, success_codes=[0, 5])


@nox.session
def lint(session: nox.Session) -> None:
    """ruff over the packages, the benchmarks and this file."""
    session.install("ruff")
    session.run("ruff", "check", "packages", "benchmarks", "noxfile.py")


@nox.session
def bench(session: nox.Session) -> None:
    """The benchmarks: Klong on each backend against raw numpy and torch (ratios only)."""
    install_klong(session)
    session.run("python", "benchmarks/bench.py", *session.posargs)
