"""The ``klong`` command, run as a subprocess against the installed distributions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import klong_cli
from klong.plugins import list_backends


def klong(*args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess:
    """Run ``python -m klong_cli ARGS`` with a clean Klong environment."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KLONG_")}
    environ.update(env)
    return subprocess.run([sys.executable, "-m", "klong_cli", *args], input=stdin,
                          stdin=None if stdin is not None else subprocess.DEVNULL,
                          capture_output=True, text=True, env=environ, timeout=120)


def ok(*args: str, **kw: str) -> str:
    r = klong(*args, **kw)
    assert r.returncode == 0, r.stderr
    return r.stdout


def fails(*args: str, **kw: str) -> str:
    """Run a failing command; check the error form; return stderr."""
    r = klong(*args, **kw)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert r.stderr.startswith("klong: error: "), r.stderr
    assert "Traceback" not in r.stderr
    return r.stderr


def test_console_script() -> None:
    script = Path(sys.executable).with_name("klong")
    r = subprocess.run([script, "-e", "2*1+!5"], capture_output=True, text=True,
                       stdin=subprocess.DEVNULL)
    assert (r.returncode, r.stdout) == (0, "[2 4 6 8 10]\n"), r.stderr


@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_expression_on_each_backend(backend: str) -> None:
    assert ok("--backend", backend, "-e", "2*1+!5") == "[2 4 6 8 10]\n"
    assert ok("--backend", backend, "-e", "2%3") == ok("--backend", "numpy", "-e", "2%3")


def test_flat_prints_lists_of_lists_on_one_line() -> None:
    assert ok("-e", "[2 2]:^!4") == "[[0 1]\n [2 3]]\n"  # the matrix layout, by default
    assert ok("--flat", "-e", "[2 2]:^!4", "-e", '[1 ["a" [2]]]') == '[[0 1] [2 3]]\n[1 ["a" [2]]]\n'


def test_expressions_are_evaluated_in_order() -> None:
    assert ok("-e", "a::3", "-e", "a*2", "-e", "1+1") == "3\n6\n2\n"


def test_klong_backend_variable_and_device() -> None:
    assert ok("-e", "1+1", KLONG_BACKEND="torch") == "2\n"
    assert ok("--backend", "torch", "--device", "cpu", "--precision", "32", "-e", "1+1") == "2\n"


def test_numpy_run_does_not_import_torch() -> None:
    code = ("import sys; from klong_cli.main import main; rc = main(['-e', '1+1']); "
            "sys.exit(rc or (3 if 'torch' in sys.modules else 0))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       stdin=subprocess.DEVNULL, env={**os.environ, "KLONG_BACKEND": "numpy"})
    assert (r.returncode, r.stdout) == (0, "2\n"), r.stderr


def test_version_imports_no_array_library() -> None:
    code = ("import sys; from klong_cli.main import main; rc = main(['--version']); "
            "sys.exit(rc or (3 if {'numpy', 'torch'} & set(sys.modules) else 0))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"klong {klong_cli.__version__} (klong-core ")
    assert "backend numpy: klong-numpy" in r.stdout and "backend torch: klong-torch" in r.stdout


def test_list_backends_imports_no_array_library() -> None:
    code = ("import sys; from klong.command import main; rc = main(['--list-backends']); "
            "sys.exit(rc or (3 if {'numpy', 'torch'} & set(sys.modules) else 0))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    torch = [line.split() for line in r.stdout.splitlines() if line.startswith("torch ")]
    assert torch[0][1] == "klong-torch" and torch[0][3] == "?", r.stdout
    assert "not probed (klong --list-backends --devices)" in r.stdout


def test_list_backends() -> None:
    rows = {r["name"]: r for r in json.loads(ok("--list-backends", "--json", "--devices"))}
    assert rows["numpy"]["status"] == rows["torch"]["status"] == "ok"
    assert rows["torch"]["distribution"] == "klong-torch" and "cpu" in rows["torch"]["devices"]
    plain = ok("--list-backends").splitlines()
    assert plain[0].split() == ["name", "distribution", "version", "devices", "float64",
                                "autograd", "status"]
    assert any(line.split()[:2] == ["torch", "klong-torch"] for line in plain)


def test_program_file_with_arguments(tmp_path: Path) -> None:
    prog = tmp_path / "args.kg"
    prog.write_text('.p(.a)\n.p(#.a)\n')
    assert ok(str(prog), "one", "-e", "--backend") == '[one -e --backend]\n3\n'  # .p shows strings raw


def test_program_values_are_not_echoed_and_exit_status(tmp_path: Path) -> None:
    prog = tmp_path / "exit.kg"
    prog.write_text("1+1\n.p(\"bye\")\n.x(3)\n.p(\"unreached\")\n")
    r = klong(str(prog))
    assert (r.returncode, r.stdout) == (3, "bye\n"), r.stderr


def test_standard_input_is_a_program() -> None:
    assert ok(stdin=".p(1+2)\n") == "3\n"
    assert ok("-", stdin=".p(4)\n") == "4\n"


def test_load_then_repl(tmp_path: Path) -> None:
    lib = tmp_path / "lib.kg"
    lib.write_text("sq::{x*x}\n")
    r = klong("-l", str(lib), stdin="sq(3)\n1+\nsq(4)\n]q\nsq(5)\n")
    assert r.returncode == 0
    assert r.stdout.split() == ["9", "16"]  # the error did not stop the loop
    assert "klong: error:" in r.stderr


def test_klong_errors_show_the_position() -> None:
    err = fails("-e", "1+")
    assert "1+" in err and "^" in err


def test_debug_shows_a_traceback() -> None:
    r = klong("-e", "1+", KLONG_DEBUG="1")
    assert r.returncode == 1 and "Traceback" in r.stderr


def test_setup_errors() -> None:
    assert "numpy backend runs on the cpu only" in fails("--device", "cuda", "-e", "1")
    installed = ", ".join(b.name for b in list_backends(devices=False))  # whichever they are
    assert fails("--backend", "nosuch", "-e", "1") == (
        f"klong: error: unknown backend 'nosuch' (installed: {installed})\n")
    assert "no such file" in fails(str(Path("/nonexistent/prog.kg"))).lower()


def test_usage_errors_exit_1() -> None:
    assert "--precision" in fails("--precision", "16", "-e", "1")
    assert "unrecognized arguments" in fails("--bogus")
    assert "--json and --devices go with --list-backends" in fails("--json")
    assert "--json and --devices go with --list-backends" in fails("--devices")


def test_expressions_may_start_with_a_minus() -> None:
    assert ok("-e", "-1", "-e", "-[1 2]") == "-1\n[-1 -2]\n"


def test_bytes_pass_through_programs_unchanged(tmp_path: Path) -> None:
    """Text is bytes: a program's Latin-1 and UTF-8 bytes come out as they went in."""
    prog = tmp_path / "bytes.kg"
    prog.write_bytes(b'.p("caf\xe9");.p("\xc3\xa9");.p(#"\xc3\xa9");.p(.rl())\n')
    r = subprocess.run([sys.executable, "-m", "klong_cli", str(prog)], input=b"\xff line\n",
                       capture_output=True, timeout=120)
    assert r.stdout == b"caf\xe9\n\xc3\xa9\n2\n\xff line\n", r.stderr
    assert ok("-e", '#"é"', "-e", '"é"') == '2\n"é"\n'
