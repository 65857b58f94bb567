"""The Dask backend on a real ``LocalCluster`` of worker processes.

The cluster is small (2 workers x 1 thread, 512 MiB each) and closed at the
end. ``KLONG_DASK_CHUNK=100`` splits the arrays here into several chunks, and
``KLONG_DASK_LOCAL_TASKS=0`` sends every computation to the cluster (by
default small graphs run in this process).
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from klong import KlongError, KlongInterpreter
from klong.plugins import KlongSetupError

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
from klong_dask.backend import client_for, close_clients  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  memory_limit="512MiB", dashboard_address=None) as c:
        yield c
        close_clients()  # before the cluster closes: no reconnecting client left behind


@pytest.fixture
def k(cluster, monkeypatch: pytest.MonkeyPatch) -> KlongInterpreter:
    monkeypatch.setenv("KLONG_DASK_CHUNK", "100")
    monkeypatch.setenv("KLONG_DASK_LOCAL_TASKS", "0")
    return KlongInterpreter(backend="dask", device=cluster.scheduler_address)


def _tasks_done(k: KlongInterpreter) -> int:
    """How many task transitions the cluster's scheduler has made so far: a
    counter that only grows (its transition log is a bounded deque, so its
    length can shrink)."""
    return client_for(k.backend.device).run_on_scheduler(
        lambda dask_scheduler: dask_scheduler.transition_counter)


@pytest.mark.parametrize("program, shown", [
    ("+/!1000", "499500"),
    ("|/%1+!1000", "1.0"),
    ("2*1+!10", "[2 4 6 8 10 12 14 16 18 20]"),
    ("+/(!100)*!100", "328350"),
    ("+\\!10", "[0 1 3 6 10 15 21 28 36 45]"),
    ("|\\[1 5 2 7 3 9 0 1 2]", "[1 5 5 7 7 9 9 9 9]"),
    ("*/1+!25", "15511210043330985984000000"),  # exact beyond int64
    ("+/(!300)+9223372036854775000", "2767011611056432544850"),  # exact, chunk by chunk
    ("+/[9223372036854775807 1 1 1 1]", "9223372036854775811"),
    ("+/(-!300)-9223372036854775000", "-2767011611056432544850"),
    ("+/(!300)*30000000000000000", "1345500000000000000000"),
    ("+/(!300)*60000000000000", "2691000000000000000"),  # in int64, above 2^62 on the way
    ("+/[3 2]:^(!6)*4611686018427387904", "[27670116110564327424 41505174165846491136]"),
    ("<[5 3 9 1 7 3]", "[3 5 1 0 4 2]"),  # ties as kg orders them
    ("=[1 2 1 3 2 1]", "[[0 2 5] [1 4] [3]]"),
    ("?[1 2 1 3 2 1]", "[1 2 3]"),
    ("&[1 0 2 0 1]", "[0 2 2 4]"),
    ("(!10):=99,3", "[0 1 2 99 4 5 6 7 8 9]"),
    ("[3 3]:^!9", "[[0 1 2] [3 4 5] [6 7 8]]"),
    ("+[3 3]:^!9", "[[0 3 6] [1 4 7] [2 5 8]]"),
    ("_(!10)%3", "[0 0 0 1 1 1 2 2 2 3]"),
    ("3:+!10", "[7 8 9 0 1 2 3 4 5 6]"),
    ("{+/x^2}:>[1.0 2.0 3.0]", None),  # numeric differentiation: as on numpy
])
def test_programs_on_the_cluster(k: KlongInterpreter, program: str, shown: str | None) -> None:
    plain = KlongInterpreter(backend="numpy")
    assert k.show(k(program)) == (shown or plain.show(plain(program)))


def test_listed_next_to_core_alone() -> None:
    from klong.plugins import list_backends

    (row,) = [r for r in list_backends() if r.name == "dask"]
    assert (row.distribution, row.status, row.devices) == ("klong-dask", "ok", ("local",))


def test_arrays_are_chunked_and_lazy(k: KlongInterpreter) -> None:
    a = k("2*1+!1000")
    assert isinstance(a, da.Array) and a.npartitions == 10  # a plan: nothing computed yet
    assert k.backend.device.startswith("tcp://")


def test_work_runs_on_the_workers(k: KlongInterpreter) -> None:
    before = _tasks_done(k)
    assert k("+/!1000") == 499500
    assert _tasks_done(k) > before


def test_errors_are_klong_errors(k: KlongInterpreter) -> None:
    with pytest.raises(KlongError, match="length"):
        k("(!10)+!11")


def test_setup_errors_say_what_to_do() -> None:
    with pytest.raises(KlongSetupError, match="cannot reach the Dask scheduler"):
        KlongInterpreter(backend="dask", device="tcp://127.0.0.1:9")
    with pytest.raises(KlongSetupError, match="scheduler's address"):
        KlongInterpreter(backend="dask", device="cuda")


def test_synchronize_computes_the_value_it_is_given(k: KlongInterpreter) -> None:
    """]time hands its result to synchronize; for Dask that is when the work runs."""
    value = k("2*!1000")
    before = _tasks_done(k)
    k.backend.synchronize([value, 1])
    assert _tasks_done(k) > before


def test_a_sum_core_proves_in_range_takes_one_pass(k: KlongInterpreter,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """``2*!n``'s extent is known without a scan, so ``+/`` needs no exactness
    pass (two sums, of the high and low halves of each element) and computes
    the plain sum alone."""
    def no_check(a: object) -> None:
        raise AssertionError("the exactness check ran")

    monkeypatch.setattr(k.backend, "_exact_sum", no_check)
    assert k("+/2*!5000") == 2 * sum(range(5000))
    assert k.show(k("+/+[2 5000]:^2*!10000")) == "[24995000 74995000]"  # rows: a lazy array


@pytest.mark.parametrize("text, dtype", [("%1+!1000", "float64"), ("(!1000)%7", "float64"),
                                         ("(1+!1000)%1+!1000", "float64")])
def test_division_of_integers_builds_the_hand_written_graph(k: KlongInterpreter, text: str,
                                                            dtype: str) -> None:
    """``1/(1+da.arange(n))``: no conversion of the integers to reals first (a
    pass and a chunk-sized copy per chunk that hand-written Dask code does not make)."""
    a = k(text)
    layers = [name.rsplit("-", 1)[0] for name in a.__dask_graph__().layers]
    assert "astype" not in layers and "truediv" in layers and str(a.dtype) == dtype
    plain = KlongInterpreter(backend="numpy")
    assert k.show(k(f"3#{text}")) == plain.show(plain(f"3#{text}"))


def test_integers_meeting_a_real_build_the_hand_written_graph(k: KlongInterpreter) -> None:
    """``da.arange(n)*1.5``: NumPy computes int64 times a Python float in float64."""
    a = k("(!1000)*1.5")
    layers = [name.rsplit("-", 1)[0] for name in a.__dask_graph__().layers]
    assert "astype" not in layers and str(a.dtype) == "float64"
    assert k.show(k("3#(!1000)*1.5")) == "[0.0 1.5 3.0]"


def test_close_clients_closes_and_a_later_computation_reconnects(k: KlongInterpreter) -> None:
    first = client_for(k.backend.device)
    close_clients()
    assert first.status == "closed"
    assert k("+/!1000") == 499500 and client_for(k.backend.device).status == "running"


def _dies(b):
    """A chunk whose worker process dies computing it (as one killed for its memory)."""
    if b.size:
        os._exit(1)
    return b


def test_a_dead_worker_and_a_lost_scheduler_are_said_in_klong_words(monkeypatch) -> None:
    monkeypatch.setenv("KLONG_DASK_LOCAL_TASKS", "0")
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                     memory_limit="256MiB", dashboard_address=None) as c:
        k = KlongInterpreter(backend="dask", device=c.scheduler_address)
        k["a"] = da.arange(10, chunks=5).map_blocks(_dies, meta=np.array((), dtype=np.int64))
        with pytest.raises(KlongError, match="dask: a worker died while computing this "
                                             r"\(out of memory\?") as died:
            k("+/a")
        assert "+/a" in str(died.value)  # shown with the line and the caret
    with pytest.raises(KlongError, match=f"dask: lost the scheduler at {c.scheduler_address}"):
        k("+/!1000")
    with pytest.raises(KlongError, match="dask: cannot reach the scheduler at"):  # connects anew
        k("+/!1000")


def test_a_script_without_a_main_guard_is_told_why_the_local_cluster_failed(tmp_path) -> None:
    """The local cluster's workers import the script's main module (spawn)."""
    script = tmp_path / "unguarded.py"
    script.write_text("from klong import KlongInterpreter\n"
                      "print(KlongInterpreter(backend='dask')('+/!1000'))\n")
    env = dict(os.environ, KLONG_DASK_LOCAL_TASKS="0")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         env=env, timeout=300)
    assert run.returncode != 0
    assert ("KlongError: dask: the local cluster's workers did not start" in run.stderr
            and "keeps its work under if __name__ == '__main__'" in run.stderr)


@pytest.mark.parametrize("program", ["a::!10; {a::a+1}'!60; a", "{(x*0.5)+1}:~[1.0 5.0 9.0]",
                                     "{(*x)<60}{x+1}:~[1 2]", "60{x+1}:*!3"])
def test_loops_keep_short_plans(k: KlongInterpreter, program: str) -> None:
    """A value kept in a variable or carried by a loop is settled once its plan
    is deep, so a loop of N rounds does not build (and recompute) a plan of N."""
    r = k(program)
    assert len(r.dask.layers) <= 17
    plain = KlongInterpreter(backend="numpy")
    assert k.show(r) == plain.show(plain(program))
