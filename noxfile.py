"""Development sessions: ``nox`` runs the default ones (what CI runs).

- ``tests``: the four distributions installed (not editable), every package's tests.
- ``dask``: klong-dask with klong-core (and klong-numpy, to compare with): its tests
  on a real LocalCluster, the conformance kit and core's language tests on the
  dask backend.
- ``pkg``: one package's tests (``nox -s "pkg(package='klong-cli')"``).
- ``conformance``: core's language tests on every installed backend.
- ``lint``: ruff.
- ``example_backend``: the third-party example (examples/klong-backend-example) built as
  a wheel, installed with klong-core and klong-cli wheels alone, used and checked by the
  conformance kit.
- ``bench``: the benchmarks (prints ratios, never fails on speed).
- ``reference`` (not a default: needs ``shared/`` beside the clone, or
  ``KLONG_REFERENCE_LIB``): the author's library modules run as programs on
  numpy, torch and dask, their output compared byte for byte with kg's.
- ``differential`` (not a default): the differential tester's long run, fast paths
  on against the plain evaluator on numpy and torch (``KLONG_DIFF_CASES`` programs
  per family and backend, default 2000) and dask (a fortieth of that);
  ``KLONG_DIFF_SEED``, default one from the clock, logged.
- ``regen``: build the reference interpreter kg (needs ``cc``) and regenerate the
  expected outputs of the reference tests (packages/klong-core/tests/reference).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import nox

ROOT = Path(__file__).parent
PACKAGES = ["klong-core", "klong-cli", "klong-numpy", "klong-torch"]
DASK = "./packages/klong-dask"  # its own session: a cluster per run costs minutes
# core's language tests that the dask session also runs on the dask backend (the `k`
# fixture takes --klong-backend). Not there: test_autograd (over 10 minutes on dask:
# numeric differentiation evaluates a function many times, each a Dask graph; the
# kit's gradient cases do run),
# the tests of the Python boundary, packaging, the REPL and plugins (backend-neutral
# or numpy/torch specific), test_random_programs (compares numpy with torch). The
# reference tables' known differences on dask are pending.tsv's rows naming dask
# (`python regen.py pending` with klong-dask installed; without it, they are kept).
DASK_CORE_TESTS = ["test_language.py", "test_reference_tables.py", "test_reference_programs.py",
                   "test_scoping.py", "test_modules.py", "test_library.py", "test_sysfns.py",
                   "test_channels.py"]
CONSTRAINTS = ("-c", "constraints-dev.txt")
TEST_TOOLS = ("pytest", "pexpect", "setuptools>=77", "ipython", "ipykernel", "jupyter_client")

nox.options.sessions = ["tests", "conformance", "lint", "example_backend", "dask"]
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
    # pexpect: REPL pty tests; IPython, ipykernel, jupyter_client: the notebook and the kernel
    install_klong(session, *TEST_TOOLS)
    session.run("pytest", *session.posargs, success_codes=[0, 5])


@nox.session
@nox.parametrize("package", PACKAGES)
def pkg(session: nox.Session, package: str) -> None:
    """One package's tests."""
    install_klong(session, *TEST_TOOLS)
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
    install_klong(session, DASK)
    session.run("python", "benchmarks/bench.py", *session.posargs)
    session.run("python", "benchmarks/bench_dask.py")  # 32 GB arrays, out of core


@nox.session
def dask(session: nox.Session) -> None:
    """klong-dask (dask[array] and distributed, pinned by constraints-dev.txt) with
    klong-core alone, plus klong-numpy to compare with: its tests start a small
    LocalCluster; then the conformance kit and core's language tests
    (``DASK_CORE_TESTS``: the reference tables and programs among them) and a short
    run of the differential tester (3 programs a family) on the dask backend."""
    for pkg in ("klong-core", "klong-numpy", "klong-dask"):
        shutil.rmtree(ROOT / "packages" / pkg / "build", ignore_errors=True)
    dists = ["./packages/klong-core", "./packages/klong-numpy", DASK]
    session.install(*CONSTRAINTS, "--force-reinstall", "--no-deps", *dists)
    session.install(*CONSTRAINTS, *dists, "pytest")
    session.run("pytest", "-p", "no:cacheprovider", "-q", "packages/klong-dask/tests",
                *session.posargs)
    session.run("pytest", "-p", "no:cacheprovider", "--pyargs", "klong.conformance",
                "--klong-backend", "dask", "-q", *session.posargs)
    session.run("pytest", "-p", "no:cacheprovider", "-q", "--klong-backend", "dask",
                *[f"packages/klong-core/tests/{name}" for name in DASK_CORE_TESTS],
                *session.posargs)
    # the differential tester, short: each dask operation is a round trip to the cluster
    session.run("pytest", "-p", "no:cacheprovider", "-q", "--klong-backend", "dask",
                "packages/klong-core/tests/test_differential.py", *session.posargs,
                env={"KLONG_DIFF_CASES": "3"})


def find_reference() -> Path | None:
    """``shared/reference/klong-c`` beside the clone (or beside a folder above it, for
    a worktree), or the parent of ``$KLONG_REFERENCE_LIB``; None when neither is there."""
    env = os.environ.get("KLONG_REFERENCE_LIB")
    found = [Path(env).parent] if env else [d.parent / "shared/reference/klong-c" for d in [ROOT, *ROOT.parents]]
    return next((d for d in found if (d / "lib").is_dir()), None)


@nox.session
def reference(session: nox.Session) -> None:
    """The programs that load the author's library modules (tests marked
    ``reference_lib``), on numpy, torch and dask: what kg printed, byte for byte."""
    if find_reference() is None:
        session.error("the reference library is missing: put shared/ beside the clone "
                      "(../shared/reference/klong-c/lib) or set KLONG_REFERENCE_LIB")
    install_klong(session, DASK, "pytest")
    session.run("pytest", "-p", "no:cacheprovider", "-q", "--reference-lib", "-m", "reference_lib",
                "packages/klong-core/tests/test_reference_programs.py", *session.posargs)


@nox.session
def differential(session: nox.Session) -> None:
    """The differential tester (tests/test_differential.py) at length: numpy and torch
    with ``KLONG_DIFF_CASES`` programs per family, dask with a fortieth of them (each
    of its operations is a round trip to a local cluster: 10 a family take 12 minutes)."""
    cases = int(os.environ.get("KLONG_DIFF_CASES", "2000"))
    seed = os.environ.get("KLONG_DIFF_SEED", str(int(time.time())))
    session.log(f"KLONG_DIFF_CASES={cases} KLONG_DIFF_SEED={seed} (set both to run this again)")
    install_klong(session, DASK, "pytest")
    test = "packages/klong-core/tests/test_differential.py"
    for backends, n in (("numpy,torch", cases), ("dask", max(5, cases // 40))):
        session.run("pytest", "-p", "no:cacheprovider", "-q", "--klong-backend", backends, test,
                    *session.posargs, env={"KLONG_DIFF_CASES": str(n), "KLONG_DIFF_SEED": seed})


@nox.session(python=False)
def regen(session: nox.Session) -> None:
    """Build kg from ../shared/reference/klong-c and regenerate every expected output
    of the reference tests (tables, program .out files); ``-- tables`` for one part."""
    if shutil.which("cc") is None:
        session.error("needs a C compiler (cc) to build the reference interpreter")
    found = find_reference()
    if found is None:
        session.error("the reference interpreter's sources are missing: put shared/ beside the clone")
    kg = session.run("bash", str(found / "build.sh"), silent=True, external=True).strip().splitlines()[-1]
    reference_dir = ROOT / "packages" / "klong-core" / "tests" / "reference"
    session.run("python", str(reference_dir / "regen.py"), "--kg", kg, *session.posargs, external=True)


EXAMPLE = ROOT / "examples" / "klong-backend-example"


def _expect(session: nox.Session, what: str, got: str, want: str) -> None:
    if got.strip() != want:
        session.error(f"{what}: expected {want!r}, got {got.strip()!r}")
    session.log(f"ok: {what} -> {want}")


@nox.session
def example_backend(session: nox.Session) -> None:
    """The example third-party backend, as a user gets it: wheels (not editable) of
    klong-core, klong-cli and examples/klong-backend-example in this fresh venv, no
    other backend; it must be listed, run programs, and pass the conformance kit."""
    session.install("setuptools>=77", "wheel")
    wheels = Path(session.create_tmp()) / "wheels"
    shutil.rmtree(wheels, ignore_errors=True)
    sources = [ROOT / "packages" / "klong-core", ROOT / "packages" / "klong-cli", EXAMPLE]
    for src in sources:  # setuptools reuses build/ dirs: stale files must not ship
        shutil.rmtree(src / "build", ignore_errors=True)
    session.run("python", "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                "-w", str(wheels), *map(str, sources), silent=True)
    built = sorted(str(w) for w in wheels.glob("*.whl"))
    if len(built) != 3:
        session.error(f"expected 3 wheels, built {built}")
    session.install("--force-reinstall", "--no-deps", *built)
    session.install(*CONSTRAINTS, *built, "pytest")
    session.run("python", "-c", "import importlib.util as u, sys; "
                "sys.exit(any(u.find_spec(m) for m in ('torch', 'klong_numpy', 'klong_torch')))")

    rows = json.loads(session.run("klong", "--list-backends", "--json", silent=True))
    listed = [(r["name"], r["distribution"], r["status"], r["autograd"]) for r in rows]
    if listed != [("autograd", "klong-autograd", "ok", True)]:
        session.error(f"klong --list-backends: {listed}")
    session.log("ok: klong --list-backends shows only autograd (klong-autograd)")

    def klong(*args: str) -> str:
        return session.run("klong", "--backend", "autograd", *args, silent=True)

    _expect(session, "+/!10", klong("-e", "+/!10"), "45")
    _expect(session, "exact gradient", klong("-e", "f::{x^3};f:>2"), "12.0")
    _expect(session, "gradient of a vector", klong("-e", "g::{+/x^2};g:>[1.0 2.0 3.0]"),
            "[2.0 4.0 6.0]")
    _expect(session, "strings", klong("-e", '|"klong"'), '"gnolk"')
    program = Path(session.create_tmp()) / "descent.kg"
    program.write_text('w::10.0;loss::{w^2};{w::w-(0.1*loss:>w)}\'!50\n.p(w<0.001)\n.d("done")\n')
    _expect(session, "a program file", klong(str(program)), "1\ndone")
    refused = session.run("klong", "--backend", "autograd", "--device", "cuda", "-e", "1",
                          silent=True, success_codes=[1])
    if "klong: error:" not in refused or "cpu only" not in refused:
        session.error(f"--device cuda: {refused!r}")
    _expect(session, "KlongInterpreter(backend='autograd')", session.run(
        "python", "-c", "from klong import KlongInterpreter as K; "
        "print(type(K(backend='autograd')('!3')).__module__)", silent=True), "numpy")

    session.run("pytest", "-p", "no:cacheprovider", "--pyargs", "klong.conformance",
                "--klong-backend", "autograd", "-q", "-rxX", *session.posargs)
    session.run("pytest", "-p", "no:cacheprovider", "-q", str(EXAMPLE / "tests"))
