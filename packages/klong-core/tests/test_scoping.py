"""Scoping as the reference interpreter (kg) does it, on every installed backend:
names resolve lexically (a function sees its own arguments and locals and
those of the functions its text is written in, never those of its caller);
a local lives while its function runs (no closures); everything else is
global. Every expected value below is what kg printed for the same program.
"""

from __future__ import annotations

import re

import pytest

from klong import KlongInterpreter
from klong.errors import KlongError

CASES = [  # (program, kg's result)
    # a function does not see its caller's locals, and sets globals
    ("v::7;kv::{v};d::{[v];v::9;kv()};d()", "7"),
    ("v::7;setv::{v::100};e::{[v];v::1;setv();v};e()", "1"),
    ("v::7;setv::{v::100};e::{[v];v::1;setv();v};e();v", "100"),
    ("t::{x*2};twice::{t(t(x))};{[t];t::5;twice(t)}()", "20"),
    ("q::50;h::{[q];q::3;k(1)};k::{x+q};h()", "51"),
    ("a::0;g::{a::a+1};f::{[a];a::10;g();a};f()", "10"),
    ("a::0;g::{a::a+1};f::{[a];a::10;g();a};f();a", "1"),
    # a literal written inside a function sees (and assigns) that function's locals
    ("h::{[q];q::3;{x+q}(1)};h()", "4"),
    ("h::{[q];q::3;k::{x+q};k(1)};h()", "4"),
    ("h::{[q];q::3;{x+q}'[1 2]};h()", "[4 5]"),
    ("{[a];a::0;{a::a+x}'!5;a}()", "10"),
    ("z0::0;{[a];a::1;{a::a+1;z0::7}();a}()", "2"),
    ("z0::0;{[a];a::1;{a::a+1;z0::7}();a}();z0", "7"),
    ("{[a];a::1;{[a];a::2;a}()+a}()", "3"),
    ("{[a];a::1;{[b];b::10;{a+b+x}(100)}()}()", "111"),
    ("{[a];a::100;{x+y+a}/!4}()", "306"),
    ("{[a];a::100;{x+y+a}\\!4}()", "[0 101 203 306]"),
    ("{[a];a::2;{x<100}{x*a}:~1}()", "128"),
    ("{[b];b::3;[1 2]{x*y+b}'[4 5]}()", "[7 16]"),
    ("{[a];a::10;p::{x+y+a}(1;);p(2)}()", "13"),
    ("{[a];a::10;{x+y+a}(;1)'[1 2 3]}()", "[12 13 14]"),
    # x, y, z are the innermost function's own
    ("{{x*2}(x+1)}(5)", "12"),
    ("{{x+y}(1;2)}()", "3"),
    ("{[a];a::x;{x+a}(100)}(5)", "105"),
    ("x::3;{x;{x}(9)}(5)", "9"),
    ("x::3;{x;{x}(9)}(5);x", "3"),
    # recursion binds locals afresh; an inner function reads the running call's
    ("r::{[a];a::x;:[x>0;r(x-1);0];a};r(3)", "3"),
    ("r::{[a];a::x;:[x>0;r(x-1);0];{a}()};r(3)", "3"),
    ("fib::{[a b];:[x<2;x;{a::fib(x-1);b::fib(x-2);a+b}(x)]};fib(10)", "55"),
    ("f::{[a];a::x;:[x=2;g::{a};0];:[x>0;f(x-1);0];g()};f(3)", "3"),
    # .f is the function whose text it is in; .E's text sees globals (and .f)
    ("{:[x<2;1;x*.f(x-1)]}(5)", "120"),
    ("{[a];a::x;{:[x<1;a;.f(x-1)]}(3)}(7)", "7"),
    ('a::1;{[a];a::2;.E("a")}()', "1"),
    ('a::1;{[a];a::2;.E("a::9");a}()', "2"),
    ('a::1;{[a];a::2;.E("a::9");a}();a', "9"),
    ('x::3;{x;.E("x")}(5)', "3"),
    ('{x;.E(".f")}(5)', ":monad"),
    # a local named x, y or z is a local, not an argument
    ("{[x];x::1;x}()", "1"),
    ("{[x];x::2;x+y}(0;5)", "7"),
    ("{[y];y::2;x+y}(5)", "7"),
]


@pytest.mark.parametrize("program, expected", CASES)
def test_names_resolve_as_kg_resolves_them(k: KlongInterpreter, program: str, expected: str) -> None:
    assert k.show(k(program)) == expected


def test_module_functions_with_locals(k: KlongInterpreter) -> None:
    k(".module(:foo);a::1;g::{a};f::{[a];a::5;g()+a};h::{[b];b::x;{a+b+x}(0)};.module(0)")
    assert k("f()") == 6  # kg: 6
    assert k("h(10)") == 11  # kg: 11
    k(".module(:bar);w::{[a];a::2;{a*x}'[1 2]};.module(0)")
    assert k.show(k("w()")) == "[2 4]"  # kg: [2 4]


ENCLOSING = r"undefined: a \(a local of an enclosing function"
ERRORS = [  # kg fails on each, saying "undefined: a`N"; ours names the variable and why
    ("f::{[a];a::5;{a+x}};g::f();g(1)", ENCLOSING),  # no closures
    ("mk::{[a];a::10;{x+y+a}(1;)};p::mk();p(2)", ENCLOSING),
    ("a::50;h::{[a];a::3;k::{x+a};0};h();k(1)", ENCLOSING),
    ("{[a];{a}()}()", ENCLOSING),
    ("{[a];a}()", r"undefined: a \(a local variable not assigned yet\)"),
    ("{[a];:_a}()", r"undefined: a \(a local variable not assigned yet\)"),
    ("g::{a};f::{[a];a::5;g()};f()", r"undefined: a$"),
    ("{{x::5}(1);x}(3)", "x is read-only"),
]


@pytest.mark.parametrize("program, message", ERRORS)
def test_what_kg_rejects(k: KlongInterpreter, program: str, message: str) -> None:
    with pytest.raises(KlongError) as e:
        k(program)
    assert re.search(message, e.value.message)  # str() adds the line and caret


def test_python_calls_back_a_literal_that_reads_a_local(k: KlongInterpreter) -> None:
    k('.pyf("functools";"reduce")')
    assert k("{[a];a::100;reduce({x+y+a};[1 2 3])}()") == 206


def test_differentiating_a_local_read_by_an_inner_literal(k: KlongInterpreter) -> None:
    grad = k("w::5.0;{[w];w::3.0;{w^2}:>w}()")
    assert abs(float(grad) - 6.0) < 1e-4
    assert k("w") == 5.0  # the global is untouched
    assert abs(float(k("loss::{w^2};{[w];w::3.0;loss:>:w}()"))) < 1e-4  # loss reads the global w
    with pytest.raises(KlongError, match=r"with respect to w: it is not a defined variable"):
        k("{[w];{w^2}:>:w}()")  # the local is not assigned yet


def test_locals_leave_no_trace_among_the_globals(k: KlongInterpreter) -> None:
    before = set(k.globals)
    k("f::{[a b];a::x;b::{a+x}(1);b}; f(1); {[c];c::2;f(c)}()")
    assert set(k.globals) - before == {"f"}
