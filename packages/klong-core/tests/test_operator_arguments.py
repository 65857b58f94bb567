"""Operators over the argument kinds the reference manual leaves open, as the
reference interpreter kg answers them (the reference tables hold kg's every
answer; these tests say what the rules are)."""

from __future__ import annotations

import pytest

from klong import KlongError, KlongInterpreter


def show(k: KlongInterpreter, src: str) -> str:
    return k.show(k(src))


# -- a:+b, Rotate: "rotate the list or string b by a elements; a must be an integer"

@pytest.mark.parametrize("src, expected", [
    ("1:+[1 2 3]", "[3 1 2]"),
    ("(-1):+\"abc\"", '"bca"'),
    ("12345678901234567890:+[1 2 3]", "[1 2 3]"),  # a!#b: a multiple of 3
    # an atom (a dictionary too) or the empty list is left as it is, whatever a is
    ("1:+5", "5"),
    ("2.5:+:sym", ":sym"),
    ("\"abc\":+0cx", "0cx"),
    ("[1 2]:+:{[1 2]}", ":{[1 2]}"),
    ("[1 2]:+[]", "[]"),
    ("0.0:+1.5", "1.5"),
])
def test_rotate(k: KlongInterpreter, src: str, expected: str) -> None:
    assert show(k, src) == expected


@pytest.mark.parametrize("src", ["2.5:+[1 2 3]", "[1 2]:+[1 2 3]", ":a:+\"abc\"", "0cx:+\"\""])
def test_rotate_of_a_list_needs_an_integer(k: KlongInterpreter, src: str) -> None:
    with pytest.raises(KlongError, match=":\\+"):
        k(src)


# -- a$b, Format2: b's text padded to width a (a >= 0: blanks on the right);
# a real n.m formats a real b with n integer places and m fraction digits

@pytest.mark.parametrize("src, expected", [
    ("0$123", '"123"'),
    ("(-5)$-123", '" -123"'),
    ('5$"xyz"', '"xyz  "'),
    ("(-5)$:foo", '" :foo"'),
    ("5.3$123.45", '"  123.450"'),
    # a real n.m: blanks before, m fraction digits (rounded); the integer part is not cut
    ("2.5$2.5", '" 2.50000"'),
    ("3.3$-1.5", '" -1.500"'),
    ("1.2$3.14159", '"3.14"'),  # kg: "3.14159" (docs/reference-differences.md)
    ("0.3$0.99582", '"0.996"'),
    ("2.1$123.45", '"123.5"'),
    ("2.3$1.5e20", '"1.5e+20"'),
    ("2.03$1.5", '" 1.500"'),  # m is the digits after the point as a number: 3
    # ... other values, or m = 0: width n, padded on the right whatever a's sign
    ("2.5$1", '"1 "'),
    ("(-2.9)$\"a\"", '"a "'),
    ("3.0$2.5", '"2.5"'),
    ("10.0$2.5", '"2.5       "'),
    ("2.5$12345678901234567890", '"12345678901234567890"'),
    # a width beyond machine integers is no width
    ('12345678901234567890$"ab"', '"ab"'),
    # atomic on both sides: a string is an atom; a list of widths pairs with a list
    ('2$["ab" "c"]', '["ab" "c "]'),
    ("[1 2 3]$0cx", '["x" "x " "x  "]'),
    ('[2 -2]$""', '["  " "  "]'),
    ("[0 2]$[[1 2] [3 4]]", '[["1" "2"] ["3 " "4 "]]'),
    ("[[1 2] 3]$[4 [5 6]]", '[["4" "4 "] ["5  " "6  "]]'),
    ("[1.5 -2.5 3.0]$2.5", '["2.50000" " 2.50000" "2.5"]'),
])
def test_format2(k: KlongInterpreter, src: str, expected: str) -> None:
    assert show(k, src) == expected


@pytest.mark.parametrize("src", ['0cx$1', '"ab"$1', ':a$1', '[]$5', '[1 "a"]$1', '[1 2 3]$[1 2]', '[1 2]$[]'])
def test_format2_needs_numbers_and_equal_lengths(k: KlongInterpreter, src: str) -> None:
    with pytest.raises(KlongError, match="\\$"):
        k(src)


# -- a:%b and a!b, Integer-Divide and Remainder: "both must be integers"; a zero
# divisor is an error, as kg (only the real division a%b yields :undefined)

@pytest.mark.parametrize("src, expected", [
    ("10:%8", "1"), ("(-7):%2", "-3"), ("7!-5", "2"), ("(-7)!5", "-2"),
    ("12345678901234567891!3", "1"), (":_1%0", "1"), ("[1 2]%[1 0]", "[1.0 :undefined]"),
])
def test_integer_divide_and_remainder(k: KlongInterpreter, src: str, expected: str) -> None:
    assert show(k, src) == expected


@pytest.mark.parametrize("src", ["1:%0", "0!0", "12345678901234567890:%0", "(-3)!0", "[1 2]:%0", "5!0+!3"])
def test_integer_divide_and_remainder_by_zero_are_errors(k: KlongInterpreter, src: str) -> None:
    with pytest.raises(KlongError, match="division by zero"):
        k(src)


# -- a:_b, Cut: "cut the list b before the elements at positions a"; zero or #b
# inserts an empty part. An empty b has one empty part per cut (kg), at least one.

@pytest.mark.parametrize("src, expected", [
    ("0:_[1]", "[[] [1]]"), ('3:_"abc"', '["abc" ""]'), ("[1 1]:_[1 2]", "[[1] [] [2]]"),
    ("0:_[]", "[[]]"), ('0:_""', '[""]'), ("[0 0]:_[]", "[[] []]"), ('[]:_""', '[""]'),
])
def test_cut(k: KlongInterpreter, src: str, expected: str) -> None:
    assert show(k, src) == expected
