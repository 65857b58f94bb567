"""Syntax where the reference interpreter kg decides what the spec leaves
open: chains of adverbs, what a list literal may hold, .rs on malformed
text, .f outside a function, empty functions and projections. Each value
is what kg prints; each error is one kg reports too."""

from __future__ import annotations

import pytest

from klong import KlongError, KlongInterpreter


@pytest.mark.parametrize("src, shown", [
    # a chain of adverbs: the first may be any adverb, the next ones take monads
    ("+/'[[1 2] [3 4]]", "[3 7]"),
    ("{x+y}/'[[1 2] [3 4]]", "[3 7]"),
    (",/'[[[1] [2]] [[3] [4]]]", "[[1 2] [3 4]]"),
    ("+:''[[1 2 3] [4 5 6]]", "[[3 5] [9 11]]"),
    ("+\\'[[1 2] [3 4]]", "[[1 3] [3 7]]"),
    (",/:~[1 [2 [3 [4] 5] 6] 7]", "[1 2 3 4 5 6 7]"),
    (",/\\~[1 [2 [3] 4]]", "[[1 [2 [3] 4]] [1 2 [3] 4] [1 2 3 4]]"),
    ("#'\\~[1 2]", "[[1 2]]"),
    ("-:''[[1 2] [3 4]]", "[[-1] [-1]]"),
    ("{x+y}(1;)''[[1 2] [3 4]]", "[[2 3] [4 5]]"),
    ("|/''[[[1 2] [3 4]]]", "[[2 4]]"),
])
def test_chained_adverbs(k: KlongInterpreter, src: str, shown: str) -> None:
    assert k.show(k.run(src)) == shown


@pytest.mark.parametrize("src, at", [
    # an adverb of a dyad after the first adverb: "monad expected in chained adverb"
    ("+/\\[[1 2] [3 4]]", 2), ("+\\\\[1 2]", 2), ("+//[1 2]", 2), ("+'/[1 2]", 2),
    ("-'\\[1 2]", 2), ("+/:'[[1 2] [3 4]]", 2), ("+':\\[1 2 3]", 2), ("+'':/[1 2 3]", 3),
    ("{x}:~/[1 2]", 5), ("f::{x+y};f/\\[[1 2] [3 4]]", 11),
    # a chain is a monad: kg fails on every chain given a left argument
    ("1+/'[[1 2] [3 4]]", 1), ("[1 2],''[3 4]", 5), ("1,:\\'[1 2]", 1),
    ("2{x+1}:*'[1 2]", 1), ("[1 2]{x,y}''[3 4]", 5),
])
def test_chained_adverbs_kg_refuses(k: KlongInterpreter, src: str, at: int) -> None:
    with pytest.raises(KlongError) as e:
        k.run(src)
    assert e.value.pos == at


@pytest.mark.parametrize("src, shown", [
    # kg reads a list literal as data: every other character is a symbol
    ("[1 + 2]", "[1 :+ 2]"),
    ("[;1+1]", "[:; 1 :+ 1]"),
    ("[1 ++ 2]", "[1 :+ :+ 2]"),
    ("[` @ $ #]", "[:` :@ :$ :#]"),
    ("[( ) { }]", "[:( :) :{ :}]"),
    ("[1 }]", "[1 :}]"),
    ("['/\\ \\~ \\*]", "[:' :/ :\\ :\\~ :\\*]"),
    ("[1 -2 - 3 -a]", "[1 -2 :- 3 :- :a]"),
    # ':' and the next character, whatever it is, are one symbol
    ("[:+ :; ::]", "[::+ ::; :::]"),
    ("[:' :/ :\\ :~ :*]", "[::' ::/ ::\\ ::~ ::*]"),
    ("[:[ 1]", "[::[ 1]"),
    ("[:] 1]", "[::] 1]"),
    ("[1 :| 2]", "[1 ::| 2]"),
    ("[1 : 2]", "[1 ::  2]"),
    # ... except a name, a number, a comment and a dictionary
    ('[:a :1 :"comment" :{[1 2]}]', "[:a 1 :{[1 2]}]"),
    ("[0c; 0c]]", "[0c; 0c]]"),
    ("[a.b 1e2 0x1f]", "[:a.b 100.0 31]"),
    ("[+\n1]", "[:+ 1]"),
    ("[[1 +] [;]]", "[[1 :+] [:;]]"),
    (":{[1 +]}", ":{[1 :+]}"),
    (":{[[1 2] [+ ;]]}", ":{[[1 2] [:+ :;]]}"),
    ("#[1 + 2]", "3"),
    ('.rs("[1 + 2]")', "[1 :+ 2]"),
    # a function's first list followed by ';' declares its locals
    ("{[1 + 2]}()", "[1 :+ 2]"),
    ("{[a;b]}()", "[:a :; :b]"),
    ("{[a +];a::2;a}()", "2"),
    ("a::5;{[a;b];a::1;a}();a", "5"),
    ("a::5;{[a,b];a::1;a}();a", "5"),
])
def test_list_literals_hold_any_characters(k: KlongInterpreter, src: str, shown: str) -> None:
    assert k.show(k.run(src)) == shown


@pytest.mark.parametrize("src", ["{[a;b] a::1;a}()", "[1 2]:[", ":{1}", ":{[1]}"])
def test_list_literals_kg_refuses(k: KlongInterpreter, src: str) -> None:
    with pytest.raises(KlongError):
        k.run(src)


@pytest.mark.parametrize("text", ['"', '"abc', "1 2", "[1 2] 3", "1.2.3", "0x", ":{1}", ")",
                                  "+", "@", ";", "1:", '1 :"x', "0xfg"])
def test_read_string_of_malformed_text_is_undefined(k: KlongInterpreter, text: str) -> None:
    """.rs(TEXT), TEXT written as a Klong string: kg gives :undefined, never an error."""
    assert k.show(k.run(f'.rs("{text.replace(chr(34), chr(34) * 2)}")')) == ":undefined"


@pytest.mark.parametrize("src, shown", [
    (".f", "[]"), (".p(.f)", "[]"), ("{.f}()", ":nilad"), ("g::{.f};g()", ":nilad"),
    ("{[a]}()", "[:a]"), ("{[a];a::1;a}()", "1"), ("{[1 2 3];2}()", "2"),
    ("{x+y}(1;)(2)", "3"), ("{x-y}(;10)(3)", "-7"), ("f3::{x,y,z};f3(1;;)(2;3)", "[1 2 3]"),
    ("f3::{x,y,z};g::f3(1;;);g(;3)(2)", "[1 2 3]"), ("f::{x+y};(f)(1;2)", "3"),
])
def test_functions_and_projections_as_kg(k: KlongInterpreter, src: str, shown: str) -> None:
    assert k.show(k.run(src)) == shown


@pytest.mark.parametrize("src, at", [
    # a function holds no empty expression
    ("{}", 1), ("{;}", 1), ("{1;}", 3), ("{;1}", 1), ("{1;;2}", 3), ("{[a];}", 5),
    # a projection onto no argument
    ("{x,y,z}(;;)", 7), ("{x,y}(;)", 5), ("f::{x,y};f(;)", 10),
    # an application's value is not applied again; a projection's once, in full
    ("f3::{x,y,z};f3(1;;)(;3)(2)", 19), ("f3::{x,y,z};f3(1;;)(2;)", 19), ("{x}(1)(2)", 6),
    ("f::{{x+y}};f()(1;2)", 14), ("f3::{x,y,z};f3(1;;)(2;3)(4)", 24), ("f::{x+y};(f)(1;)(2)", 16),
])
def test_functions_and_projections_kg_refuses(k: KlongInterpreter, src: str, at: int) -> None:
    with pytest.raises(KlongError, match="^syntax error") as e:
        k.run(src)
    assert e.value.pos == at and type(e.value) is KlongError  # complete text: no REPL continuation
