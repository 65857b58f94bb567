"""Benchmarks: Klong on each backend against the raw library and plain Python.

Prints times (best of several runs) and ratios measured in this one run; it
never asserts a speed. Run with ``nox -s bench`` or ``python benchmarks/bench.py``
(``--quick`` for fewer repeats, ``--device cuda`` for the torch backend on a GPU).

Three tables per backend:
- array throughput: a Klong expression against the same call in numpy/torch;
- interpreter overhead: scalar-heavy programs against the same in plain Python;
- peak memory of the array cases, in multiples of one operand (numpy only:
  tracemalloc sees numpy's allocations; on CUDA the allocator's peak is used).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from typing import Any, Callable

import numpy as np

from klong import KlongInterpreter
from klong.plugins import list_backends

# name, n, Klong expression over a and b, the same with the array library (a, b, lib)
ARRAY_CASES: list[tuple[str, int, str, Callable[[Any, Any, Any], Any]]] = [
    ("vector add", 100_000, "a+b", lambda a, b, lib: a + b),
    ("vector add", 1_000_000, "a+b", lambda a, b, lib: a + b),
    ("compound", 1_000_000, "(a*a)+(b*2)-a%3", lambda a, b, lib: a * a + (b * 2 - a / 3)),
    ("grade up", 100_000, "<a", lambda a, b, lib: lib.argsort(a, stable=True)),
    ("sum +/", 10_000_000, "+/a", lambda a, b, lib: a.sum()),
    ("int add", 1_000_000, "i+j", None),  # ints: checks against overflow included
]


def fib(n: int) -> int:
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def py_loop(n: int) -> int:
    x = 0
    for _ in range(n):
        x = x + 1
    return x


def py_dict(n: int) -> int:
    d: dict = {}
    for i in range(n):
        d[i] = i
    return len(d)


# name, Klong setup, Klong program, the same in Python
OVERHEAD_CASES: list[tuple[str, str, str, Callable[[], Any]]] = [
    ("fib(20) recursive", "fib::{:[x<2;x;fib(x-1)+fib(x-2)]}", "fib(20)", lambda: fib(20)),
    ("100k-step scalar loop", "", "100000{x+1}:*0", lambda: py_loop(100_000)),
    ("each over 10k scalars", "v::!10000", "{x*x}'v", lambda: [x * x for x in range(10_000)]),
    ("dict of 10k keys", "", "d:::{};{d,x,x}'!10000;#d", lambda: py_dict(10_000)),
]


def best(fn: Callable[[], Any], repeat: int, sync: Callable[[], None]) -> float:
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


def run(backend: str, device: str | None, precision: int | None, repeat: int) -> dict:
    k = KlongInterpreter(backend=backend, device=device, precision=precision)
    b = k.backend
    cuda = b.device.startswith("cuda")
    if backend == "torch":
        import torch

        lib: Any = torch
        sync = torch.cuda.synchronize if cuda else (lambda: None)
    else:
        lib, sync = np, (lambda: None)
    print(f"\n== {backend} on {b.device}, reals float{64 if b.float64 else 32} ==")
    print(f"{'array throughput':<22} {'n':>10} {'raw ms':>9} {'klong ms':>9} {'ratio':>6} {'peak/N':>7}")
    rng = np.random.default_rng(0)
    results: dict = {}
    for name, n, expr, raw in ARRAY_CASES:
        if raw is None:  # integer case
            a, bb = b.asarray(rng.integers(0, 1000, n)), b.asarray(rng.integers(0, 1000, n))
            k["i"], k["j"] = a, bb
            raw_fn: Callable[[], Any] = lambda: a + bb  # noqa: E731
        else:
            a, bb = b.asarray(rng.random(n), "f"), b.asarray(rng.random(n), "f")
            k["a"], k["b"] = a, bb
            raw_fn = lambda: raw(a, bb, lib)  # noqa: E731
        t_raw = best(raw_fn, repeat, sync)
        t_k = best(lambda: k(expr), repeat, sync)
        peak = ""
        itemsize = 8 if b.float64 or raw is None else 4
        if backend == "numpy":
            peak = f"{peak_numpy(lambda: k(expr)) / (n * itemsize):.1f}"
        elif cuda:
            torch.cuda.reset_peak_memory_stats()
            base = torch.cuda.memory_allocated()
            k(expr)
            sync()
            peak = f"{(torch.cuda.max_memory_allocated() - base) / (n * itemsize):.1f}"
        results[(name, n)] = (t_raw, t_k)
        print(f"{name:<22} {n:>10} {t_raw * 1e3:>9.3f} {t_k * 1e3:>9.3f} {t_k / t_raw:>6.2f} {peak:>7}")
    print(f"{'interpreter overhead':<34} {'python ms':>9} {'klong ms':>9} {'ratio':>6}")
    for name, setup, prog, py in OVERHEAD_CASES:
        if setup:
            k(setup)
        reps = max(1, repeat // 5)
        t_py = best(py, reps, lambda: None)
        t_k = best(lambda: k(prog), reps, sync)
        results[name] = (t_py, t_k)
        print(f"{name:<34} {t_py * 1e3:>9.3f} {t_k * 1e3:>9.3f} {t_k / t_py:>6.1f}")
    return results


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--quick", action="store_true", help="5 repeats")
    p.add_argument("--device", help="device for the torch backend (default: the best)")
    ns = p.parse_args()
    repeat = 5 if ns.quick else ns.repeat
    names = [r.name for r in list_backends() if r.status == "ok"]
    runs = {}
    for name in names:
        runs[name] = run(name, ns.device if name == "torch" else None, None, repeat)
        if name == "torch":
            runs["torch32"] = run(name, ns.device, 32, repeat)
    if "numpy" in runs and "torch" in runs:
        print("\n== torch backend time / numpy backend time (below 1: torch is faster) ==")
        for key, (_, t_np) in runs["numpy"].items():
            t_t = runs["torch"][key][1]
            label = key if isinstance(key, str) else f"{key[0]} {key[1]}"
            print(f"{label:<34} {t_t / t_np:>6.2f}")
    if "torch" in runs:  # differentiation: gradient-descent loops against hand-written PyTorch
        from bench_autograd import run_autograd

        run_autograd(device=ns.device, steps=500 if ns.quick else 2000)


if __name__ == "__main__":
    main()
