"""Discovery through real installed distributions.

Each scenario builds real wheels (klong-core, klong-cli, klong-numpy and two
fixture backends from ``fixtures/``), installs them with pip into a fresh venv,
and runs the installed ``klong`` command there. The venv is created without
pip and offline: third-party dependencies (pluggy, rich, numpy...) are not
reinstalled but made visible by linking the running environment's installed
copies into a directory named by a ``.pth`` file, so nothing else (in
particular no klong-* distribution) leaks into the venv.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

HERE = Path(__file__).parent
PACKAGES = HERE.parent.parent
EXAMPLE = PACKAGES.parent / "examples" / "klong-backend-example"
DEPENDENCIES = ["pluggy", "rich", "numpy"]  # what klong-core, klong-cli and klong-numpy need


def _run(cmd: list, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL, **kw)


def _closure(names: list[str]) -> list[metadata.Distribution]:
    """The installed distributions ``names`` and everything they require (extras aside)."""
    seen: dict[str, metadata.Distribution] = {}
    todo = list(names)
    while todo:
        name = todo.pop().lower().replace("_", "-")
        if name in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # a requirement whose marker excludes this interpreter
        seen[name] = dist
        for req in dist.requires or []:
            if "extra ==" not in req:
                todo.append(re.match(r"[A-Za-z0-9._-]+", req).group(0))
    return list(seen.values())


@pytest.fixture(scope="session")
def dependencies(tmp_path_factory) -> Path:
    """A directory of links to the installed third-party dependencies."""
    out = tmp_path_factory.mktemp("deps")
    for dist in _closure(DEPENDENCIES):
        for f in dist.files or []:
            top = f.parts[0]
            if top in ("..", "__pycache__") or (out / top).exists():
                continue
            (out / top).symlink_to(Path(dist.locate_file(top)))
    return out


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory) -> Path:
    """Wheels built from this checkout (from copies, so the source tree stays clean)."""
    out = tmp_path_factory.mktemp("wheels")
    src = tmp_path_factory.mktemp("src")
    ignore = shutil.ignore_patterns("build", "*.egg-info", "__pycache__", "tests")
    projects = [PACKAGES / "klong-core", PACKAGES / "klong-cli", PACKAGES / "klong-numpy",
                PACKAGES / "klong-torch", EXAMPLE, HERE / "fixtures" / "broken-backend",
                HERE / "fixtures" / "dup-backend", HERE / "fixtures" / "misbehaving-backends"]
    copies = [shutil.copytree(p, src / p.name, ignore=ignore) for p in projects]
    r = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
              "--no-index", "-q", "-w", out, *copies])
    assert r.returncode == 0, r.stderr
    return out


def _venv(root: Path, wheelhouse: Path, dependencies: Path, dists: list[str]) -> Path:
    """A fresh venv holding exactly ``dists`` (plus the linked dependencies); its bin dir."""
    r = _run([sys.executable, "-m", "venv", "--without-pip", root])
    assert r.returncode == 0, r.stderr
    python = root / "bin" / "python"
    r = _run([sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-index",
              "--no-deps", "--find-links", wheelhouse, *dists])
    assert r.returncode == 0, r.stderr
    purelib = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    Path(purelib.stdout.strip(), "_klong_test_dependencies.pth").write_text(f"{dependencies}\n")
    return root / "bin"


@pytest.fixture(scope="session")
def env_factory(tmp_path_factory, wheelhouse, dependencies):
    def make(*dists: str) -> Path:
        return _venv(tmp_path_factory.mktemp("venv"), wheelhouse, dependencies, list(dists))
    return make


@pytest.fixture(scope="session")
def broken_env(env_factory) -> Path:
    return env_factory("klong-core", "klong-cli", "klong-numpy", "klong-broken-backend")


@pytest.fixture(scope="session")
def dup_env(env_factory) -> Path:
    return env_factory("klong-core", "klong-cli", "klong-numpy", "klong-dup-backend")


@pytest.fixture(scope="session")
def bare_env(env_factory) -> Path:
    return env_factory("klong-core", "klong-cli")


@pytest.fixture(scope="session")
def misbehaving_env(env_factory) -> Path:
    return env_factory("klong-core", "klong-cli", "klong-numpy", "klong-misbehaving-backends")


@pytest.fixture(scope="session")
def missing_env(env_factory) -> Path:
    """Backends whose own dependency (torch, autograd) is not installed."""
    return env_factory("klong-core", "klong-cli", "klong-numpy", "klong-torch", "klong-autograd")


def _env(strict: bool = False, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("KLONG_BACKEND", "KLONG_DEBUG", "KLONG_STRICT_PLUGINS", "PYTHONPATH")}
    if strict:
        env["KLONG_STRICT_PLUGINS"] = "1"
    env["KLONG_PLUGIN_TIMEOUT"] = "5"  # the hanging fixture plugin never finishes
    return {**env, **extra}


def klong(bin_dir: Path, *args: str, strict: bool = False) -> subprocess.CompletedProcess:
    return _run([bin_dir / "klong", *args], env=_env(strict))


def python(bin_dir: Path, code: str) -> subprocess.CompletedProcess:
    return _run([bin_dir / "python", "-c", code], env=_env())


def listing(bin_dir: Path, **kw) -> dict[str, dict]:
    r = klong(bin_dir, "--list-backends", "--json", "--devices", **kw)
    assert r.returncode == 0, r.stderr
    return {row["name"]: row for row in json.loads(r.stdout)}


def test_the_venv_holds_only_what_was_installed(broken_env) -> None:
    r = _run([broken_env / "python", "-c",
              "from importlib.metadata import distributions as d; "
              "print(sorted(x.metadata['Name'] for x in d() if x.metadata['Name'].startswith('klong')))"])
    assert r.stdout.strip() == str(["klong-broken-backend", "klong-cli", "klong-core",
                                    "klong-numpy"])


def test_broken_backend_is_listed_with_its_error(broken_env) -> None:
    rows = listing(broken_env)
    assert set(rows) == {"numpy", "broken"}
    assert rows["numpy"]["status"] == "ok" and rows["numpy"]["devices"] == ["cpu"]
    broken = rows["broken"]
    assert broken["status"] == "error"
    assert broken["distribution"] == "klong-broken-backend" and broken["version"] == "0.0.1"
    assert "ImportError" in broken["error"] and "nosuchlib" in broken["error"]
    plain = klong(broken_env, "--list-backends")
    assert plain.returncode == 0
    assert re.search(r"^broken\s+klong-broken-backend\s+0\.0\.1\s.*error: ImportError",
                     plain.stdout, re.M), plain.stdout


def test_other_backends_keep_working(broken_env) -> None:
    r = klong(broken_env, "-e", "1+1")
    assert (r.returncode, r.stdout.strip()) == (0, "2"), r.stderr


def test_asking_for_the_broken_backend_is_a_clear_error(broken_env) -> None:
    r = klong(broken_env, "--backend", "broken", "-e", "1+1")
    assert r.returncode == 1
    assert r.stderr.startswith("klong: error: backend 'broken' (klong-broken-backend 0.0.1")
    assert "nosuchlib" in r.stderr and "Traceback" not in r.stderr


def test_strict_mode_makes_broken_plugins_fatal(broken_env) -> None:
    for args in (["-e", "1+1"], ["--list-backends"]):
        r = klong(broken_env, *args, strict=True)
        assert r.returncode == 1, args
        assert "klong-broken-backend" in r.stderr and "nosuchlib" in r.stderr
        assert "Traceback" not in r.stderr


def test_two_distributions_claiming_one_name(dup_env) -> None:
    """klong-numpy keeps the name numpy (it is called klong-NAME); the listing
    names the other claimant; strict mode refuses."""
    r = klong(dup_env, "-e", "1+1")
    assert (r.returncode, r.stdout.strip()) == (0, "2"), r.stderr
    row = listing(dup_env)["numpy"]
    assert (row["status"], row["distribution"]) == ("ok", "klong-numpy")
    assert "also claimed by klong-dup-backend 0.0.1" in row["warning"]
    plain = klong(dup_env, "--list-backends").stdout
    assert "numpy: also claimed by klong-dup-backend 0.0.1" in plain
    r = klong(dup_env, "-e", "1+1", strict=True)
    assert r.returncode == 1 and "claimed by two distributions" in r.stderr
    assert "klong-numpy 0.1.0" in r.stderr and "klong-dup-backend 0.0.1" in r.stderr


def test_no_backend_installed_says_what_to_install(bare_env) -> None:
    r = klong(bare_env, "-e", "1+1")
    assert r.returncode == 1
    assert "no Klong backend is installed" in r.stderr
    assert "pip install klong-numpy" in r.stderr and "pip install klong-torch" in r.stderr
    assert listing(bare_env) == {}
    v = klong(bare_env, "--version")
    assert v.returncode == 0 and v.stdout.startswith("klong 0.1.0")


def test_core_and_a_backend_alone_give_the_command(env_factory) -> None:
    """No klong-cli installed: `klong` (from klong-core) runs programs and lists backends."""
    bin_dir = env_factory("klong-core", "klong-numpy")
    r = klong(bin_dir, "-e", "2*1+!5")
    assert (r.returncode, r.stdout) == (0, "[2 4 6 8 10]\n"), r.stderr
    r = klong(bin_dir, "--list-backends", "--json")
    assert [row["name"] for row in json.loads(r.stdout)] == ["numpy"]


def test_misbehaving_plugins_are_contained(misbehaving_env) -> None:
    """A plugin that exits or hangs while imported is listed as broken; the
    others, and the listing itself, carry on (issue 13)."""
    rows = listing(misbehaving_env)
    assert set(rows) == {"numpy", "exits", "hangs", "raising", "notabackend"}
    assert rows["exits"]["status"] == "error" and "SystemExit: 3" in rows["exits"]["error"]
    assert rows["hangs"]["status"] == "error"
    assert "did not finish within 5 s" in rows["hangs"]["error"]
    assert all(rows[n]["status"] == "ok" for n in ("numpy", "raising", "notabackend"))
    assert all(r["load_seconds"] >= 0 for r in rows.values())
    r = klong(misbehaving_env, "-e", "1+1")
    assert (r.returncode, r.stdout.strip()) == (0, "2"), r.stderr
    r = python(misbehaving_env, "from klong.plugins import list_backends\n"
                                "print('still here', len(list_backends()))")
    assert r.stdout.strip() == "still here 5", r.stderr


@pytest.mark.parametrize("name, message", [
    ("raising", "backend 'raising' (klong-misbehaving-backends 0.0.1) failed to start: "
                "TypeError: unsupported operand"),
    ("notabackend", "its factory returned dict, not a klong.backend.Backend"),
    ("exits", "is broken: SystemExit: 3"),
])
def test_a_failing_factory_is_a_clear_setup_error(misbehaving_env, name: str,
                                                  message: str) -> None:
    r = klong(misbehaving_env, "--backend", name, "-e", "1")
    assert r.returncode == 1 and message in r.stderr, r.stderr
    assert "internal error" not in r.stderr and "Traceback" not in r.stderr


def test_a_missing_dependency_is_listed_with_the_pip_command(missing_env) -> None:
    rows = listing(missing_env)
    assert rows["numpy"]["status"] == "ok"
    torch, autograd = rows["torch"], rows["autograd"]
    assert torch["status"] == "error" and "klong-torch needs torch" in torch["error"]
    assert "pip install 'torch" in torch["error"]
    assert autograd["status"] == "error"
    assert "klong-autograd needs autograd>=1.7, which is not installed: " \
           "pip install 'autograd>=1.7'" in autograd["error"]
    r = klong(missing_env, "--backend", "torch", "-e", "1")
    assert r.returncode == 1 and "pip install 'torch" in r.stderr
    assert "internal error" not in r.stderr


def test_the_full_repl_plugs_in_through_an_entry_point(bare_env, env_factory) -> None:
    """klong-cli registers its REPL (group klong.repl); core names no distribution above it."""
    from klong import command

    assert "klong_cli" not in Path(command.__file__).read_text()
    code = "from klong.command import full_repl; r = full_repl(); print(r and r.__module__)"
    assert python(bare_env, code).stdout.strip() == "klong_cli.repl"
    core_only = env_factory("klong-core", "klong-numpy")
    assert python(core_only, code).stdout.strip() == "None"
    assert "REPL: basic" in klong(core_only, "--version").stdout
