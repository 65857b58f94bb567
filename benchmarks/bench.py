"""Benchmarks: the workloads of the speed goals (issue 14), Klong against the
raw library, the C reference interpreter and the start-up of Python itself.

Prints times (best of several runs) and ratios measured in this one run; it
never asserts a speed. Run with ``nox -s bench`` or ``python benchmarks/bench.py``
(``--quick`` for fewer repeats, ``--device cuda`` for the torch backend on a GPU).

Tables:
- array work: the Klong text on each backend against the same work written in
  raw numpy and raw torch (float64), with the peak memory of the Klong run;
- scalar code: the same Klong text on our interpreter and on the C reference
  interpreter ``kg`` (built from ``shared/reference/klong-c`` beside the clone
  when ``cc`` exists), timed inside each interpreter with ``.pc()``;
- gradient steps: ``benchmarks/bench_autograd.py``;
- start-up: ``klong -e 1+1`` against ``python -c "import numpy"``, and what
  ``klong --list-backends`` imports.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any, Callable, NamedTuple

import numpy as np

from klong import KlongInterpreter
from klong.plugins import list_backends

ROOT = Path(__file__).resolve().parents[1]


class Work(NamedTuple):
    """A Klong text over the data (M: a matrix, a and b: vectors, i: integers),
    and the same work in the raw library (``lib`` is numpy or torch)."""

    name: str
    text: str
    raw: Callable[[dict, Any], Any]


# the Klong text exactly as the goals are written
ARRAY_WORK = [
    Work("matrix product the Klong way", "{[b];b::y;{+/x*b}'x}(M;M)", lambda d, lib: d["M"] @ d["M"]),
    Work("f'M, f rank-polymorphic", "{(x*x)+1}'M", lambda d, lib: d["M"] * d["M"] + 1),
    Work("+ on two 100k vectors", "a+b", lambda d, lib: d["a"] + d["b"]),
    Work("+/ over 1M integers", "+/i", lambda d, lib: d["i"].sum()),
    Work("1M integers times a real", "i*1.5",  # raw: reals of the data's precision, as Klong's
         lambda d, lib: d["i"] * 1.5 if lib.__name__ == "numpy" else d["i"].to(d["a"].dtype) * 1.5),
]

# name, definitions, the timed Klong text (run on ours and on kg)
SCALAR_WORK = [
    ("fib(20)", "fib::{:[x<2;x;fib(x-1)+fib(x-2)]}", "fib(20)"),
    (":~ loop of 100k steps", "", "{x<100000}{x+1}:~0"),
    ("10k dict inserts and lookups", "", "d:::{};{d,x,x}'!10000;{d?x}'!10000"),
]


def best(fn: Callable[[], Any], repeat: int, sync: Callable[[], None] = lambda: None) -> float:
    """Best wall time of ``fn`` in seconds, over ``repeat`` runs after a warm-up."""
    fn()
    sync()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - t0)
    return min(times)


def peak_numpy(fn: Callable[[], Any]) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    r = fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del r
    return peak


def data(n_matrix: int) -> dict:
    rng = np.random.default_rng(0)
    return {"M": rng.random((n_matrix, n_matrix)), "a": rng.random(100_000),
            "b": rng.random(100_000), "i": rng.integers(-1000, 1000, 1_000_000)}


def interpreters(device: str | None) -> dict[str, KlongInterpreter]:
    names = [r.name for r in list_backends()  # dask has its own: bench_dask.py
             if r.status == "ok" and r.name in ("numpy", "torch")]
    return {n: KlongInterpreter(backend=n, device=device if n == "torch" else None) for n in names}


def array_table(ks: dict[str, KlongInterpreter], n_matrix: int, repeat: int) -> None:
    d = data(n_matrix)
    libs: dict[str, tuple[Any, dict, Callable[[], None]]] = {"numpy": (np, d, lambda: None)}
    if "torch" in ks:
        import torch

        dev = torch.device(ks["torch"].backend.device)
        sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
        libs["torch"] = (torch, {k: torch.as_tensor(v, device=dev) for k, v in d.items()}, sync)
    print(f"\n== array work (M is {n_matrix}x{n_matrix} reals, a b 100k reals, i 1M integers); "
          "ratio: klong / raw library, peak/N: peak memory of the klong run over one operand ==")
    head = f"{'workload':<30} {'text':<26}"
    for name in ks:
        head += f" {'raw ' + name:>11} {'klong ms':>9} {'ratio':>6}"
    print(head + f" {'peak/N':>7}")
    for w in ARRAY_WORK:
        line = f"{w.name:<30} {w.text:<26}"
        peak = ""
        for name, k in ks.items():
            lib, dd, sync = libs[name]
            for key, v in dd.items():
                k[key] = k.backend.asarray(v)
            t_raw = best(lambda: w.raw(dd, lib), repeat, sync)
            t_k = best(lambda: k(w.text), repeat, sync)
            line += f" {t_raw * 1e3:>11.3f} {t_k * 1e3:>9.3f} {t_k / t_raw:>6.2f}"
            if name == "numpy":
                operand = max(v.nbytes for key, v in dd.items() if key in w.text)
                peak = f"{peak_numpy(lambda: k(w.text)) / operand:.1f}"
        print(line + f" {peak:>7}")


def timed_program(setup: str, text: str, repeat: int) -> str:
    """Klong text printing the best process time of ``text`` over ``repeat`` runs."""
    return f"{setup}\n.p(&/{{[t0];x;t0::.pc();{text};.pc()-t0}}'!{repeat})\n"


def reference_kg() -> tuple[Path, Path] | None:
    """(kg, its lib folder), building kg with the reference's build.sh; None without cc."""
    for folder in [ROOT, *ROOT.parents]:
        ref = folder.parent / "shared" / "reference" / "klong-c"
        if (ref / "build.sh").is_file():
            break
    else:
        print("note: no shared/reference/klong-c beside the clone: no C interpreter column")
        return None
    if shutil.which("cc") is None:
        print("note: no C compiler (cc): no C interpreter column")
        return None
    out = subprocess.run(["bash", str(ref / "build.sh")], capture_output=True, text=True, check=True)
    return Path(out.stdout.strip().splitlines()[-1]), ref / "lib"


def run_kg(kg: tuple[Path, Path], program: str) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".kg", delete=False) as f:
        f.write(program)
    try:
        out = subprocess.run([str(kg[0]), "-n", f.name], stdin=subprocess.DEVNULL, capture_output=True,
                             text=True, env={**os.environ, "KLONGPATH": str(kg[1])}, timeout=600)
    finally:
        os.unlink(f.name)
    return float(out.stdout.split()[-1])


def scalar_table(ks: dict[str, KlongInterpreter], repeat: int) -> None:
    kg = reference_kg()
    print("\n== scalar code: process time (.pc()) inside each interpreter; ratio: klong / C kg ==")
    head = f"{'workload':<30} {'C kg ms':>8}"
    for name in ks:
        head += f" {name + ' ms':>10} {'ratio':>6}"
    print(head)
    for label, setup, text in SCALAR_WORK:
        program = timed_program(setup, text, repeat)
        t_c = run_kg(kg, program) if kg else None
        line = f"{label:<30} {t_c * 1e3 if t_c else float('nan'):>8.2f}"
        for k in ks.values():
            if setup:
                k(setup)
            t = k(f"&/{{[t0];x;t0::.pc();{text};.pc()-t0}}'!{repeat}")
            line += f" {t * 1e3:>10.2f} {t / t_c if t_c else float('nan'):>6.2f}"
        print(line)


def imports_of(args: list[str]) -> set[str]:
    """Top-level modules a ``klong`` command line imports (python -X importtime)."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "klong", *args],
                         capture_output=True, text=True, stdin=subprocess.DEVNULL)
    return {m.group(1).split(".")[0] for m in re.finditer(r"\|\s+([\w.]+)\s*$", out.stderr, re.M)}


def startup_table(repeat: int) -> None:
    klong = shutil.which("klong", path=str(Path(sys.executable).parent)) or "klong"

    # with bytecode caches, as installed wheels have them (numpy's are written at
    # install time; without this, PYTHONDONTWRITEBYTECODE=1 would recompile core each start)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def cmd(*argv: str) -> Callable[[], Any]:
        return lambda: subprocess.run(argv, capture_output=True, stdin=subprocess.DEVNULL,
                                      check=True, env=env)
    t_np = best(cmd(sys.executable, "-c", "import numpy"), repeat)
    t_k = best(cmd(klong, "--backend", "numpy", "-e", "1+1"), repeat)
    t_l = best(cmd(klong, "--list-backends"), repeat)
    print("\n== start-up (wall time of a fresh process) ==")
    print(f"{'python -c import numpy':<30} {t_np * 1e3:>8.0f} ms")
    print(f"{'klong --backend numpy -e 1+1':<30} {t_k * 1e3:>8.0f} ms  ratio {t_k / t_np:.2f}")
    arrays = sorted(imports_of(["--list-backends"]) & {"numpy", "torch"}) or ["no array library"]
    print(f"{'klong --list-backends':<30} {t_l * 1e3:>8.0f} ms  imports {', '.join(arrays)}")


TABLES = ("array", "scalar", "autograd", "startup")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--quick", action="store_true", help="2 repeats, a 300x300 matrix, fewer steps")
    p.add_argument("--device", help="device for the torch backend (default: the best)")
    p.add_argument("--matrix", type=int, default=1000, help="rows of the square matrix")
    p.add_argument("--threads", type=int, default=1,
                   help="torch's threads (default 1: steadier ratios on a shared machine; 0: torch's default)")
    p.add_argument("--only", choices=TABLES, action="append",
                   help="run only this table (repeatable); default: all")
    ns = p.parse_args()
    only = set(ns.only or TABLES)
    repeat = 2 if ns.quick else ns.repeat
    ks = interpreters(ns.device)
    if ns.threads and "torch" in ks:
        import torch

        torch.set_num_threads(ns.threads)
    if "array" in only:
        array_table(ks, 300 if ns.quick else ns.matrix, repeat)
    if "scalar" in only:
        scalar_table(ks, repeat)
    if "autograd" in only and "torch" in ks:  # gradient steps against hand-written PyTorch
        from bench_autograd import run_autograd

        run_autograd(device=ns.device, repeat=repeat)
    if "startup" in only:
        startup_table(repeat)


if __name__ == "__main__":
    main()
