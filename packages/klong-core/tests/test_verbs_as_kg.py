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
    # find a big integer: nothing equals it (torch refused to compare), reals by value
    ("*[8 7]?49115919422767101709966528", "[]"),
    ("[8.0 7.0]?49115919422767101709966528", "[]"),
    ("[8 -9223372036854775808]?-9223372036854775808", "[1]"),
    ("[1e300 7.0]?(10^300)", "[0]"),
    # an integer to a whole real power is an integer, row by row too
    ("[[0 3] [14 2]]^[2.0 3]", "[[0 9] [2744 8]]"),
    ("[[4 9] [16 2]]^[0.5 3]", "[[2.0 3.0] [4096 8]]"),
    ("[2 3]^[[2.0] [1.5]]", "[[4] [5.196152422706632]]"),
    ("[[2 3] [4 5]]^[[2.0 0.5] [1.5 3.0]]", "[[4 1.7320508075688772] [8.0 125]]"),
    # amend without an index is its left operand, whatever the value
    ('"":=[1]', '""'),
    ('"abc":=[1]', '"abc"'),
    ('"abc":=["xy"]', '"abc"'),
    ("[1 2 3]:=[9]", "[1 2 3]"),
    ("[1 2 3]:=[]", "[1 2 3]"),
    # a substring may start at #a (the string grows); a character only within a
    ('"abc":=["xy" 3]', '"abcxy"'),
    ('"":=["xy" 0]', '"xy"'),
    ('"abc":=["" 3]', '"abc"'),
    ('"abc":=0cx,2', '"abx"'),
    ('"abc":=[0cx 2 0]', '"xbx"'),
    ('"abc":=["xy" 2 0]', '"xyxy"'),
    # shape: the length, then the longest common prefix of the elements' shapes
    ("^[[[1] [2]] [[3] [4 5]]]", "[2 2]"),
    ("^[[[1 2] [3 4]] [[5 6] [7 8 9]]]", "[2 2]"),
    ("^[[[1 2] [3 4]] [5 6]]", "[2 2]"),
    ("^[[[1 2] [3 4] [5 6]] [[1 2] [3 4] [5]]]", "[2 3]"),
    ("^[[[[1] [2]] [[3] [4]]] [[[5] [6]] [[7] [8 9]]]]", "[2 2 2]"),
    ('^[["ab" "cd"] ["ef" "g"]]', "[2 2]"),
    ("^[[[1 2]] [[3]]]", "[2 1]"),
    ("^[[1 2] [3 4 5]]", "[2]"),
    ("^[[1 2] 3]", "[2]"),
    ('^["" ""]', "[2 0]"),            # in a list, "" has the shape [0]; alone, 0
    ('^[["" ""] ["" ""]]', "[2 2 0]"),
    ('^""', "0"),
    ("^[[] []]", "[2]"),
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
    ('"abc":=0cx,3', ":=: range error"),     # a character never extends a string
    ('"":=[0cx 0]', ":=: range error"),
    ('"abc":=["xy" 4]', ":=: range error"),  # a substring starts at most at #a
    ('"abc":=,0c1', ":=: type error"),       # the right operand is a list, never a string
    ('[1 2 3]:="x"', ":=: type error"),
    ('"abc":=[1 0]', ":=: type error"),      # a string takes characters and strings
    ("[]:=[9 0]", ":=: range error"),
    ("[1 2 3]:=[9 1.0]", ":=: expected an integer"),
])
def test_refuses_what_kg_refuses(k: KlongInterpreter, src: str, message: str) -> None:
    with pytest.raises(KlongError, match=re.escape(message)):
        k.run(src)


def test_a_dyad_only_operator_still_takes_adverbs_dyadically(k: KlongInterpreter) -> None:
    assert k.show(k.run("[1 2 3]:=/[]")) == "[1 2 3]"
