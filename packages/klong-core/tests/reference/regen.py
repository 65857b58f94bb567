"""Regenerate the reference tests' expected outputs with the reference
interpreter kg (``nox -s regen`` runs this after building kg).

    python regen.py [--kg PATH] [programs] [tables] [pending]

Without a part named, programs and tables. Every kg run reads /dev/null, is limited
to 8 GB of memory and a few seconds, and gets the reference library as KLONGPATH.
``pending`` needs no kg: it evaluates every table case on every installed backend
and rewrites pending.tsv with the cases where ours still differs (rows of
backends not installed here are kept).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import generate
import kgref

LIMIT_BYTES = 8_000_000 * 1024
TIMEOUT_S = 3


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))


def run_kg(kg: str, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """kg with ARGS in CWD: stdin /dev/null, bounded memory and time."""
    env = {**os.environ, "KLONGPATH": kgref.klongpath()}
    try:
        return subprocess.run([kg, "-n", *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=TIMEOUT_S, preexec_fn=_limit)
    except subprocess.TimeoutExpired as e:
        return subprocess.CompletedProcess(e.cmd, -9, e.stdout or b"", b"timeout")


def regen_programs(kg: str) -> None:
    """NAME.out beside each programs/**/NAME.kg: kg's stdout, run in NAME's folder
    (as ``./NAME.kg``: kg looks for a program only on KLONGPATH otherwise)."""
    for path in kgref.program_sources():
        done = run_kg(kg, [f"./{path.name}"], path.parent)
        path.with_suffix(".out").write_bytes(done.stdout)
        name = path.relative_to(kgref.PROGRAMS)
        why = done.stderr.decode(errors="replace").strip()
        print(name if done.returncode == 0 else f"{name}: exit {done.returncode}: {why}")


def kg_value(kg: str, expr: str) -> tuple[str, str]:
    """What ``kg -e EXPR`` printed (its value and anything the expression wrote),
    ERROR when kg reported an error, CRASH when it died or ran too long."""
    done = run_kg(kg, ["-e", expr], kgref.HERE)
    out = done.stdout.decode("utf-8", "surrogateescape")
    if done.returncode == 0 and not done.stderr:
        return expr, out
    if done.returncode == 1 and done.stderr.startswith(b"kg: error:"):
        return expr, kgref.ERROR
    return expr, kgref.CRASH


def regen_tables(kg: str) -> None:
    """cases/NAME.tsv for each table of generate.TABLES."""
    kgref.CASES.mkdir(exist_ok=True)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for name, cases in generate.TABLES.items():
            rows = list(pool.map(lambda e: kg_value(kg, e), cases()))
            kgref.write_table(kgref.CASES / f"{name}.tsv", rows, TABLE_HEADER.format(name=name))
            print(f"{name}: {len(rows)} cases, {sum(w == kgref.ERROR for _, w in rows)} errors, "
                  f"{sum(w == kgref.CRASH for _, w in rows)} crashes")


TABLE_HEADER = """{name}: written by regen.py from kg; do not edit (see README.md)
EXPR<TAB>what kg -e EXPR printed (\\n: newline), !error or !crash"""

def regen_pending(_kg: str) -> None:
    """pending.tsv: every table case where ours differs from kg, with the backends
    where it differs, in the tables' order (a stable order: small diffs). Rows of
    backends not installed here (klong-dask, say) are kept as they were."""
    differ: dict[str, set[str]] = {}
    for backend in kgref.working_backends():
        for table in kgref.table_files():
            bad, n = kgref.mismatches(backend, table)
            print(f"{table.stem} on {backend}: {n} cases compared, {len(bad)} differ")
            for expr, _ in bad:
                differ.setdefault(expr, set()).add(backend)
    order = {expr: i for i, (expr, _) in enumerate(r for t in kgref.table_files() for r in kgref.read_table(t))}
    here = set(kgref.working_backends())
    for expr, note in kgref.pending().items():  # what backends not installed here said stays
        elsewhere = set(note.split()) - here
        if elsewhere and expr in order:
            differ.setdefault(expr, set()).update(elsewhere)
    kgref.write_pending({e: differ[e] for e in sorted(differ, key=order.__getitem__)})
    print(f"pending.tsv: {len(differ)} cases")


PARTS = {"programs": regen_programs, "tables": regen_tables, "pending": regen_pending}
KG_PARTS = ["programs", "tables"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kg", default=os.path.expanduser("~/.cache/klong-ref/kg"), help="kg's path")
    ap.add_argument("parts", nargs="*", metavar="PART",
                    help=f"any of {', '.join(PARTS)} (default: {' '.join(KG_PARTS)})")
    ns = ap.parse_args()
    for part in ns.parts or KG_PARTS:
        if part not in PARTS:
            ap.error(f"unknown part {part!r}")
        PARTS[part](ns.kg)


if __name__ == "__main__":
    main()
