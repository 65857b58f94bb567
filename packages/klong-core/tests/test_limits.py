"""Bounded, interruptible evaluation: step, time and memory limits, interrupts,
and requests larger than the machine, refused before anything is built."""

from __future__ import annotations

import threading

import pytest

from klong import KlongError, KlongInterpreter, LimitError, Limits

FOREVER = "{1}{x+1}:~0"


def limit_of(k: KlongInterpreter, src: str, **limits: object) -> LimitError:
    with pytest.raises(LimitError) as e:
        k(src, limits=limits or None)
    return e.value


@pytest.mark.parametrize("src", [FOREVER, "{1}{x+1}\\~0", "{x+1}:~0", "1000000000{x+1}:*0",
                                 "1000000000{x+1}\\*0", "f::{f(x+1)+1};f(0)",
                                 "{x;x}'1000000#,!10"])  # {x}'M: one array operation
def test_a_step_limit_stops_every_kind_of_loop(k: KlongInterpreter, src: str) -> None:
    e = limit_of(k, src, steps=5000)
    assert e.limit == "steps" and "step limit (5000 steps) exceeded" in e.message
    assert k("x::3;x+1") == 4  # usable afterwards


@pytest.mark.parametrize("src", ["#'L", "-'L", "+/L", "0+/L", "+\\L", "0,\\L", ",/L,'L",
                                 ",/10000#,[1 2]", "L,'L", "L='L", "1+:\\L", "1+:/L", ",:'L",
                                 "+:'L", ",/#'L", "#'{x}'L"])
def test_adverbs_of_built_in_verbs_count_a_step_per_element(k: KlongInterpreter, src: str) -> None:
    """Fast paths included (one array operation), so no loop escapes a step limit,
    and a limit stops the same programs on every backend."""
    k("L::!10000")
    assert limit_of(k, src, steps=5000).limit == "steps"
    k(src, limits=Limits(steps=100_000))  # within a budget that covers its elements


def test_matching_counts_its_work_also_in_many_small_matches(k: KlongInterpreter) -> None:
    """Converge compares each value with the last: on data one level deeper each time,
    the comparisons are the work, and the limit stops it early (not after hours)."""
    k("c::0")
    limit_of(k, "{c::c+1;,x}:~1", steps=20_000)
    assert 0 < k("c") < 1000


def test_limits_are_the_interpreters_or_one_calls(backend_name: str) -> None:
    k = KlongInterpreter(backend=backend_name, limits=Limits(steps=1000))
    assert limit_of(k, FOREVER).limit == "steps"
    with pytest.raises(LimitError, match="time limit"):
        k(FOREVER, limits=Limits(timeout=0.05))
    assert k("+/!100") == 4950


@pytest.mark.parametrize("src", ['.E("{1}{x+1}:~0")', '.E(".E(""{1}{x+1}:~0"")")',
                                 '{.E(x)}("{1}{x+1}:~0")'])
def test_a_limit_keeps_its_class_through_E(backend_name: str, src: str) -> None:
    """docs/security.md tells hosts to catch LimitError: .E must not hide it."""
    k = KlongInterpreter(backend=backend_name, limits=Limits(steps=5000))
    with pytest.raises(LimitError, match=r'^\.E "\{1\}\{x\+1\}:~0": step limit') as caught:
        k(src)
    assert caught.value.limit == "steps" and caught.value.pos is not None


def test_an_unfinished_text_through_E_is_a_plain_error(k: KlongInterpreter) -> None:
    with pytest.raises(KlongError, match="not closed") as caught:
        k('.E("[1")')
    assert type(caught.value) is KlongError  # the REPL must not wait for more input


def test_a_stopped_function_restores_its_bindings(k: KlongInterpreter) -> None:
    k("x::7;f::{[a];a::x;{1}{x+1}:~a}")
    limit_of(k, "f(1)", steps=100)
    assert k("x") == 7 and "a" not in k


def test_a_memory_limit_refuses_a_result_before_building_it(k: KlongInterpreter) -> None:
    e = limit_of(k, "100{x,x}:*[1]", memory=10 << 20)
    assert e.limit == "memory" and e.message.startswith(",: memory limit (10.0 MB) exceeded")
    assert "memory limit" in limit_of(k, "(10^7)#,1.5", memory=10 << 20).message
    assert k("#(10^5)#,1.5", limits=Limits(memory=10 << 20)) == 100000


@pytest.mark.parametrize("src", ["[100000 100000]:^1", "100000000000#\"a\"", "(10^10)#,:a",
                                 "(10^10)#,0", "(-10^10)#[1 2]", "!10^12", "&[1000000000000]",
                                 "3^10^15", "[2 3]^10^15", "(10^13)$1"])
def test_a_request_larger_than_the_machine_fails_at_once(k: KlongInterpreter, src: str) -> None:
    e = limit_of(k, src)
    assert e.limit == "memory" and "out of memory" in e.message and "more than this machine" in e.message


@pytest.mark.parametrize("src", ["x*x", "x*,x", "(,x)*x", "*/x,x", "{x*y}/x,x", "{x*x}'x,1",
                                 "2{x*x}:*x", "{[a];a::x;a*a}(x)", "[2 3]^60000000", "x^2"])
def test_big_integer_results_are_checked_before_they_are_computed(k: KlongInterpreter, src: str) -> None:
    """A big-integer result counts a step per 64-bit word: refused at once, where
    computing it (x has 60 million bits) would take many seconds."""
    k("x::2^60000000")
    assert limit_of(k, src, steps=100_000).limit == "steps"


@pytest.mark.parametrize("src, want", [("7#\"abc\"", '"abcabca"'), ("(-7)#\"abc\"", '"cabcabc"'),
                                       ("7#[1 2 3]", "[1 2 3 1 2 3 1]"), ("(-7)#[1 2 3]", "[3 1 2 3 1 2 3]"),
                                       ("(-4)#[:a :b :c]", "[:c :a :b :c]"), ("5#,0", "[0 0 0 0 0]"),
                                       ("(-3)#,1.5", "[1.5 1.5 1.5]"), ("3#,[1 2]", "[[1 2] [1 2] [1 2]]")])
def test_take_repeats_cyclically(k: KlongInterpreter, src: str, want: str) -> None:
    assert k.show(k.run(src)) == want


def test_interrupt_from_another_thread(k: KlongInterpreter) -> None:
    started = threading.Event()
    k["started"] = lambda x: started.set() or 1
    outcome: list = []

    def run() -> None:
        try:
            k("{started(x)}{x+1}:~0")
        except KlongError as e:
            outcome.append(e)

    t = threading.Thread(target=run)
    t.start()
    assert started.wait(60)
    k.interrupt()
    t.join(60)
    assert not t.is_alive()
    assert isinstance(outcome[0], LimitError) and outcome[0].limit == "interrupt"
    assert outcome[0].message == "interrupted"
    assert k("1+1") == 2


def test_an_interrupt_before_an_evaluation_does_not_stop_the_next(k: KlongInterpreter) -> None:
    k.interrupt()
    assert k("+/{x}'!3000") == sum(range(3000))


def test_keyboard_interrupt_leaves_the_interpreter_usable(k: KlongInterpreter) -> None:
    def ctrl_c(x: object) -> object:
        raise KeyboardInterrupt
    k["ctrlc"] = ctrl_c
    k("x::5;g::{[q];q::1;ctrlc(x)}")
    with pytest.raises(KeyboardInterrupt):
        k("g(1)")
    assert k("x") == 5 and "q" not in k
    assert k("g::{x*2};g(21)") == 42


@pytest.mark.parametrize("kwargs, error", [
    ({"timeout": "x"}, TypeError), ({"timeout": True}, TypeError), ({"steps": 1.5}, TypeError),
    ({"memory": "1G"}, TypeError), ({"timeout": -1}, ValueError), ({"timeout": 0}, ValueError),
    ({"timeout": float("inf")}, ValueError), ({"timeout": float("nan")}, ValueError),
    ({"steps": 0}, ValueError), ({"memory": -1}, ValueError),
])
def test_limits_refuse_what_no_evaluation_runs_under(kwargs: dict, error: type) -> None:
    """At once, naming the field and what it expects: never at the first evaluation."""
    name = next(iter(kwargs))
    with pytest.raises(error, match=f"^Limits {name}: expected None or .* above 0"):
        Limits(**kwargs)
    with pytest.raises(error, match=f"^Limits {name}"):
        KlongInterpreter(limits=kwargs)


def test_limits_of_a_call_are_checked_too(k: KlongInterpreter) -> None:
    with pytest.raises(TypeError, match="^limits: expected a Limits, a dict or None, got 'fast'"):
        k("1", limits="fast")
    with pytest.raises(TypeError, match="^limits: unknown 'time' \\(expected timeout, steps, memory\\)"):
        k("1", limits={"time": 1})
    assert k("1+1", limits={"timeout": 5, "steps": 10, "memory": 1 << 30}) == 2


@pytest.mark.parametrize("name", [5, None, "", b"a"])
def test_a_variable_name_is_a_string(k: KlongInterpreter, name: object) -> None:
    with pytest.raises(TypeError, match="name is a non-empty string"):
        k[name] = 1  # type: ignore[index]
    assert name not in k.globals
