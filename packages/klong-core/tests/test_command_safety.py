"""The ``klong`` command under limits and closed pipes, untrusted interpreters,
and local modules that must not shadow the standard library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from klong import KlongError, KlongInterpreter, LimitError, Limits
from klong.interpreter import OUTSIDE


def klong(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "klong", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, stdin=subprocess.DEVNULL)


def test_timeout_and_max_memory_options(tmp_path: Path) -> None:
    r = klong("--timeout", "0.2", "-e", "{1}{x+1}:~0", cwd=tmp_path)
    assert r.returncode == 1 and "time limit (0.2 s) exceeded" in r.stderr
    r = klong("--max-memory", "50M", "-e", "100{x,x}:*[1]", cwd=tmp_path)
    assert r.returncode == 1 and "memory limit (50.0 MB) exceeded" in r.stderr
    r = klong("--timeout", "60", "--max-memory", "1G", "-e", "+/!1000", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout == "499500\n"
    r = klong("--max-memory", "lots", "-e", "1", cwd=tmp_path)
    assert r.returncode == 1 and "--max-memory" in r.stderr


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    (tmp_path / "p.kg").write_text("i::0;{i<100000}{.p(i);i::i+1}:~0\n")
    r = subprocess.run(f"{sys.executable} -m klong p.kg | head -3", shell=True, cwd=tmp_path,
                       capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert r.stdout == "0\n1\n2\n" and r.stderr == ""


def test_a_file_that_cannot_be_loaded_is_a_failure(tmp_path: Path) -> None:
    r = klong("-l", "missing.kg", cwd=tmp_path)
    assert r.returncode == 1 and "cannot find missing.kg" in r.stderr


def test_an_untrusted_interpreter_has_nothing_that_reaches_outside(backend_name: str) -> None:
    k = KlongInterpreter(backend=backend_name, untrusted=True, limits=Limits(steps=10_000))
    for name in OUTSIDE:
        with pytest.raises(KlongError, match="undefined"):
            k(name)
    assert k('.E("+/!10")') == 45
    with pytest.raises(LimitError):
        k("{1}{x+1}:~0")
    assert ".sys" in KlongInterpreter(backend=backend_name).globals


def test_the_untrusted_option(tmp_path: Path) -> None:
    (tmp_path / "p.kg").write_text('.p(+/!10);.sys("touch made")\n')
    r = klong("--untrusted", "p.kg", cwd=tmp_path)
    assert r.stdout == "45\n" and r.returncode == 1 and "undefined: .sys" in r.stderr
    assert not (tmp_path / "made").exists()
    r = klong("--untrusted", "-e", '.oc("x")', cwd=tmp_path)
    assert r.returncode == 1 and "undefined: .oc" in r.stderr and not (tmp_path / "x").exists()


def test_a_local_module_never_shadows_the_standard_library(here: Path) -> None:
    (here / "json.py").write_text("def dumps(x):\n    return 'not json'\n")
    (here / "string.py").write_text("VALUE = 42\n")
    k = KlongInterpreter()
    assert k('.py("json");dumps("a")') == '"a"'
    import json
    import string
    assert json.dumps([1]) == "[1]" and hasattr(string, "ascii_letters")
    assert k('.py("./string.py");.pya(.py("./string.py");"VALUE")') == 42
    assert sys.modules["string"] is string
