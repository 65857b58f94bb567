"""No crash, ever: deep data, deep recursion through Python, nesting deeper than
an array library holds, big integers, host errors in our words, and no
process-wide setting changed by creating or running an interpreter."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from klong import KlongError, KlongInterpreter
from klong.numtext import int_text, text_int
from klong.values import Symbol

DEEP = 20000  # far past any C stack's worth of recursion


@pytest.fixture
def deep(k: KlongInterpreter) -> KlongInterpreter:
    k.run(f"a::{DEEP}{{,x}}:*:a")
    return k


def test_deep_data_prints(deep: KlongInterpreter) -> None:
    text = deep.shower.layout(deep.run("a"))
    assert text == "[" * DEEP + ":a" + "]" * DEEP
    assert deep.show(deep.run("a")) == text
    assert deep.display(deep.run("a")) == "[" * DEEP + ":a" + "]" * DEEP


def test_deep_data_matches_hashes_and_groups(deep: KlongInterpreter) -> None:
    assert deep("a~a") == 1
    assert deep("a~,a") == 0
    assert deep("b::{,x}'[1 2];(a,1)~a,1") == 1
    assert deep("d:::{};d,(,a),1;d?a") == 1
    assert deep.show(deep("=[1 2],a,a")) == "[[0] [1] [2 3]]"
    assert deep("#?a,a") == 1


def test_the_deepest_data_of_the_reference_formats_grades_and_converts(k: KlongInterpreter) -> None:
    """100,000 levels, as kg handles: $ (any atomic monad), grade and the conversions
    to and from Python all walk nested lists with explicit stacks."""
    k("b::100000{,x}:*1")
    assert k('($b)~100000{,x}:*"1"') == 1
    assert k.show(k("<b,b")) == "[1 0]" and k.show(k(">b,b")) == "[1 0]"  # kg's order of ties
    v, depth = k["b"], 0
    while type(v) is list:
        v, depth = v[0], depth + 1
    assert depth + getattr(v, "ndim", 0) == 100000
    nest: object = 1
    for _ in range(100000):
        nest = [nest]
    k["c"] = nest
    assert k("c~b") == 1


def test_an_error_message_showing_deep_data(deep: KlongInterpreter) -> None:
    with pytest.raises(KlongError) as e:
        deep("a(1;2;3;4)")
    assert e.value.render()


def test_deep_data_from_the_command_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = subprocess.run([sys.executable, "-m", "klong", "-e", "15000{,x}:*:a"], capture_output=True,
                       text=True, timeout=300, cwd=tmp_path, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "[" * 15000 + ":a" + "]" * 15000 + "\n"


def test_recursion_through_python_is_a_clean_error(k: KlongInterpreter) -> None:
    with pytest.raises(KlongError, match="recursion too deep"):
        k("r::{.pyc(r;x;:{})};r(1)")
    with pytest.raises(KlongError, match="recursion too deep"):
        k('r::{x;.pyc(klong;,"r(1)";:{})};r(1)')
    assert k("f::{:[x;x+f(x-1);0]};f(100)") == 5050


@pytest.mark.parametrize("depth", [64, 65, 200])
def test_nesting_deeper_than_arrays_allow(k: KlongInterpreter, depth: int) -> None:
    k.run(f"a::{depth}{{,x}}:*1")
    assert k("#a") == 1 and k("a~a") == 1 and k("a~,*a") == 1
    assert k.show(k.run("a")) == "[" * depth + "1" + "]" * depth
    assert k.show(k.run("a+1")) == "[" * depth + "2" + "]" * depth
    assert k(f"(({depth}#,1):^1)~a") == 1
    assert k(f"(*a)~{depth - 1}{{,x}}:*1") == 1


def test_deep_nesting_is_linear(k: KlongInterpreter) -> None:
    k.run("a::100000{,x}:*1")
    assert k("a~a") == 1 and k("b::a;a~b") == 1 and len(k.show(k.run("a"))) == 200001
    assert type(k("a")) is list  # converted to Python by an explicit stack too


@pytest.mark.parametrize("src, want", [
    ("71906470352661384378308638|[9 9]", "[71906470352661384378308638 71906470352661384378308638]"),
    ("[9 9]+2^70", "[1180591620717411303433 1180591620717411303433]"),
    ("(2^70)<[1 2]", "[0 0]"), ("(2^70)=2^70+[0 1]", "[1 0]"),
])
def test_integers_beyond_int64_against_arrays(k: KlongInterpreter, src: str, want: str) -> None:
    assert k.show(k.run(src)) == want


def test_host_errors_never_reach_the_user(k: KlongInterpreter) -> None:
    for src in ["(2^70)#,1", "[1 2]@10^5000", "!10^5000"]:
        with pytest.raises(KlongError) as e:
            k(src)
        assert "Error" not in e.value.message, (src, e.value.message)


def test_integers_of_any_size_as_text_without_changing_pythons_limit() -> None:
    before = sys.get_int_max_str_digits()
    n = 7 ** 30000
    assert text_int(int_text(n)) == n and int_text(-n)[0] == "-"
    assert len(int_text(10 ** 9999)) == 10000
    k = KlongInterpreter()
    assert k("#$2^20000") == 6021 and k("1:$5000#\"9\"") == 10 ** 5000 - 1
    assert sys.get_int_max_str_digits() == before


def test_no_process_wide_recursion_limit() -> None:
    before = sys.getrecursionlimit()
    k = KlongInterpreter()
    assert sys.getrecursionlimit() == before
    assert k("f::{:[x;1+f(x-1);0]};f(5000)") == 5000
    assert sys.getrecursionlimit() == before


def test_symbols_are_interned_across_threads() -> None:
    names = [f"fresh{i}" for i in range(2000)]
    got: list[list[Symbol]] = [[], []]
    barrier = threading.Barrier(2)

    def make(slot: int) -> None:
        barrier.wait()
        got[slot] = [Symbol(n) for n in names]

    threads = [threading.Thread(target=make, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(a is b for a, b in zip(*got))
