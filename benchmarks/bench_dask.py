"""The Dask backend (klong-dask): arrays larger than this machine's memory, and
Klong's overhead over the same Dask code written by hand.

Prints times, peak memory and ratios measured in this one run; never asserts a
speed. Run by ``nox -s bench`` when klong-dask is installed, or by hand:
``python benchmarks/bench_dask.py [--n N] [--big N] [--workers W] [--memory-limit 2GiB]``.

- out of core: ``+/!B`` and ``|/%1+!B`` (B = ``--big``, default 4e9: 32 GB
  of int64 each) on a local cluster of W workers with a memory limit each,
  with the peak resident memory (VmHWM) of this process and of each worker;
  when B int64 do not fit in this machine's memory the numpy backend is asked
  for the same and must refuse at once;
- overhead: Klong texts over a large array (``--n`` elements, default 2e8,
  1.6 GB) against the same Dask code, on the same cluster.
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import time
from typing import Any, Callable

import dask.array as da
from distributed import Client, LocalCluster

from klong import KlongInterpreter
from klong_dask.backend import close_clients

BIG = 4_000_000_000
OUT_OF_CORE = ["+/!B", "|/%1+!B"]


def peak_rss() -> int:
    """This process's peak resident memory in bytes (Linux: VmHWM)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def gib(n: float) -> str:
    return f"{n / 2**30:.2f} GiB"


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    r = fn()
    return time.perf_counter() - t0, r


def machine_memory() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def out_of_core(k: KlongInterpreter, client: Client, big: int) -> None:
    print(f"\n== out of core: {big:,} int64 elements ({gib(8 * big)}) per array; "
          f"{len(client.scheduler_info()['workers'])} workers; this machine has "
          f"{gib(machine_memory())} ==")
    for text in (t.replace("B", str(big)) for t in OUT_OF_CORE):
        seconds, value = timed(lambda: k(text))
        workers = client.run(peak_rss)
        print(f"{text:<22} = {k.show(value):<20} {seconds:8.1f} s   peak RSS: klong "
              f"{gib(peak_rss())}, largest worker {gib(max(workers.values()))}")
        if 8 * big <= machine_memory():
            continue  # numpy could allocate it: nothing to show
        refused = subprocess.run([sys.executable, "-m", "klong", "--backend", "numpy", "-e", text],
                                 capture_output=True, text=True, timeout=300)
        said = (refused.stderr or refused.stdout).strip().splitlines()
        print(f"{'':<22}   numpy: exit {refused.returncode}: {said[0] if said else ''}")


def _recip(n: int) -> Any:
    return 1 / (1 + da.arange(n, dtype="int64"))


# (setup, timed Klong text, the same in Dask); N is --n
OVERHEAD = [
    ("", "+/%1+!N", lambda n: _recip(n).sum()),
    ("", "|/%1+!N", lambda n: _recip(n).max()),
    ("x::%1+!N", "+/x*x", lambda n: (_recip(n) * _recip(n)).sum()),
    ("", "+/2*!N", lambda n: (2 * da.arange(n, dtype="int64")).sum()),  # exact: checked
]


def overhead(k: KlongInterpreter, client: Client, n: int, repeat: int) -> None:
    print(f"\n== overhead: N = {n:,}; best of {repeat}, interleaved; ratio: klong / hand-written dask ==")
    k(f"N::{n}")
    for setup, text, raw in OVERHEAD:
        if setup:
            k(setup)
        t_k = t_d = math.inf
        for _ in range(repeat):  # interleaved, so a busy spell of the machine hits both
            t_k = min(t_k, timed(lambda: k(text))[0])
            t_d = min(t_d, timed(lambda: raw(n).compute(scheduler=client.get))[0])
        print(f"{(setup + '; ' if setup else '') + text:<24} klong {t_k:7.2f} s   "
              f"dask {t_d:7.2f} s   ratio {t_k / t_d:5.2f}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=200_000_000)
    p.add_argument("--big", type=float, default=BIG, help="elements of the out-of-core arrays")
    p.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 1))
    p.add_argument("--memory-limit", default="2GiB")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--skip-out-of-core", action="store_true")
    ns = p.parse_args()
    os.environ.setdefault("KLONG_DASK_LOCAL_TASKS", "0")  # Klong on the cluster too, as the raw code
    with LocalCluster(n_workers=ns.workers, threads_per_worker=1, processes=True,
                      memory_limit=ns.memory_limit, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        k = KlongInterpreter(backend="dask", device=cluster.scheduler_address)
        overhead(k, client, ns.n, ns.repeat)
        if not ns.skip_out_of_core:
            out_of_core(k, client, int(ns.big))
        close_clients()  # Klong's client, before its cluster goes


if __name__ == "__main__":
    main()
