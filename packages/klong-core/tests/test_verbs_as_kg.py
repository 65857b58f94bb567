"""Verbs and adverbs where the reference interpreter kg decides what the spec
leaves open (or where ours once differed): each case prints what kg prints,
on every backend."""

from __future__ import annotations

import re

import pytest

from klong import KlongError, KlongInterpreter


@pytest.mark.parametrize("src, shown", [
    # min and max pick an operand, which keeps its kind; of equals min picks the right one
    ("2.5|[1 2 3]", "[2.5 2.5 3]"),
    ("[1 2 3]&2.5", "[1 2 2.5]"),
    ("0.0|[1 2 3]", "[1 2 3]"),
    ("2.5&[[1] [2 3]]", "[[1] [2 2.5]]"),
    ("0&0.0", "0.0"),
    ("0.0&0", "0"),
    ("0|0.0", "0"),
    ("[1 2 3]&[1.5 -2.5 3.0]", "[1 -2.5 3.0]"),
    ("[1 2 3]|/[1.5 2 3]", "[3 3 3]"),
    ("[1 2 3]&\\[1.5 2 3]", "[[1 2 3] [1 1.5 1.5] [1 1.5 1.5] [1 1.5 1.5]]"),
    # a function over a string: all characters make a string again
    ('[1 2 3]{y}\'"abc"', '"abc"'),
    ('"abc"{y;x}\'[1 2 3]', '"abc"'),
    ('{y}:\'"abc"', '"bc"'),
    ('[1 2]{y}\'"abc"', "[0ca 0cb]"),  # the string is longer than the result
    ('"ab"{y;x}\'[1 2 3]', '"ab"'),
    ('[1 2]{y}\'[0ca 0cb]', "[0ca 0cb]"),
    # a fold or scan of a string from [] starts from ""
    ('[],/"abc"', '"abc"'),
    ('[]{y,x}/"abc"', '"cba"'),
    ('[],\\"abc"', '["" "a" "ab" "abc"]'),
    ('[]{y}\\"abc"', '["" 0ca 0cb 0cc]'),
    ("[],/[1 2]", "[1 2]"),
    ('[]{x,y}/""', "[]"),
    # k cuts of an empty list are k pieces
    ('0:_""', '[""]'),
    ("[0 0]:_[]", "[[] []]"),
    ('[]:_""', '[""]'),
    ("0:_,1", "[[] [1]]"),
    # find in a string: a character or a substring
    ('"abc"?0cb', "[1]"),
    ('"xyyyyz"?"yy"', "[1 2 3]"),
    (':{[1 2]}?1', "2"),
    (':{[1 2]}?[1 2]', ":undefined"),
])
def test_prints_what_kg_prints(k: KlongInterpreter, src: str, shown: str) -> None:
    assert k.show(k.run(src)) == shown


@pytest.mark.parametrize("src, message", [
    ('"abc"?1', "?: type error"),            # a string holds characters only
    ('""?[0cb]', "?: type error"),
    (":{[1 2]}?:{[1 2]}", "type error: a dictionary is not a key"),
    ("?[:{[1 2]} 1]", "type error: a dictionary is not a key"),  # nor an element of a range
    ("=[:{[1 2]}]", "type error: a dictionary is not a key"),    # or a group
    (":{[1 2]},[:{[1 2]} 1]", "type error: a dictionary is not a key"),
    (":{[1 2]}@1", "@: type error"),         # @ indexes lists and strings (find looks up keys)
    (":=/[1 2]", ":=: no monadic form"),     # an adverb on a dyad-only operator needs its monad
    (":%\\[8 2]", ":%: no monadic form"),
    ("f::{:=:'x}", ":=: no monadic form"),  # found when the function is read, as kg
])
def test_refuses_what_kg_refuses(k: KlongInterpreter, src: str, message: str) -> None:
    with pytest.raises(KlongError, match=re.escape(message)):
        k.run(src)


def test_a_dyad_only_operator_still_takes_adverbs_dyadically(k: KlongInterpreter) -> None:
    assert k.show(k.run("[1 2 3]:=/[]")) == "[1 2 3]"
