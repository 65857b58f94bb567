"""Grade gives kg's order, ties included (kg's Shell sort, klong/grade.py):
the expected outputs are kg's, on every backend; the backend's passes are
checked against kg's loop itself on random lists."""

from __future__ import annotations

import random

import pytest

from klong import KlongInterpreter
from klong.grade import SMALL, gaps, shell_order, shell_order_py


@pytest.mark.parametrize("src, shown", [
    ('<"hello, world"', "[6 5 11 1 0 2 3 10 8 4 9 7]"),  # the manual's example
    ('>"hello, world"', "[7 9 4 8 10 2 3 0 1 11 5 6]"),
    ('>"foobar"', "[5 2 1 0 3 4]"),                     # kg's test.kg
    ('<"foobar"', "[4 3 0 1 2 5]"),
    ("<[0 1 0]", "[2 0 1]"),
    (">[0 1 0]", "[1 2 0]"),
    ('<"hello world"', "[5 10 1 0 2 3 9 7 4 8 6]"),
    ('>"hello world"', "[6 8 7 4 2 9 3 0 1 10 5]"),
    ("<[3 1 2 1 3 1 2]", "[5 1 3 2 6 0 4]"),
    (">[3 1 2 1 3 1 2]", "[4 0 6 2 3 5 1]"),
    ("<[1.5 1 1.0 0.5 1.5 1]", "[3 2 5 1 4 0]"),          # 1 and 1.0 are equal
    (">[1.5 1 1.0 0.5 1.5 1]", "[4 0 2 1 5 3]"),
    ("<[:b :a :b :c :a :b]", "[1 4 2 5 0 3]"),
    (">[:b :a :b :c :a :b]", "[3 2 0 5 1 4]"),
    ("<[0cb 0ca 0cb 0cc 0ca 0cb]", "[1 4 2 5 0 3]"),
    ('<["b" "a" "b" "" "a" "b"]', "[3 1 4 2 0 5]"),
    ('>["b" "a" "b" "" "a" "b"]', "[2 5 0 1 4 3]"),
    ("<[[1 2] [1] [1 2] [] [1] [1 2]]", "[3 1 4 2 0 5]"),
    (">[[1 2] [1] [1 2] [] [1] [1 2]]", "[2 5 0 1 4 3]"),
    ("<[[1 2] [3 4] [1 2] [0 9] [3 4]]", "[3 0 2 4 1]"),  # a matrix: its rows
    (">[[1 2] [3 4] [1 2] [0 9] [3 4]]", "[1 4 0 2 3]"),
    ("b::{(x*x*x)!7}'!40;<b", "[21 35 28 7 0 14 11 18 22 25 29 37 36 39 8 1 15 23 32 30 "
                              "4 2 16 9 38 26 5 33 27 20 19 12 31 24 3 6 10 13 17 34]"),
    ("b::{(x*x*x)!7}'!40;>b", "[20 27 26 24 3 6 5 33 17 10 19 12 31 34 38 13 15 36 22 30 "
                              "29 37 16 9 23 1 25 8 2 32 4 39 11 18 0 35 7 21 14 28]"),
    # 3000 squares mod 1009, many ties: a weighted sum of the grade, and its start
    ("a::{(x*x)!1009}'!3000;+/(!3000)*<a", "6777235144"),
    ("a::{(x*x)!1009}'!3000;+/(!3000)*>a", "6713742630"),
    ("a::{(x*x)!1009}'!3000;10#<a", "[0 1009 2018 1008 1 2019 1010 2017 2588 570]"),
    ("a::{(x*x)!1009}'!3000;10#>a", "[2558 1478 540 1549 2487 469 55 2073 954 1963]"),
    ("a::{(x*x)!1009}'!3000;+/(!3000)*<a%7", "6777235144"),  # as reals
    ("a::{(x*x)!1009}'!3000;+/(!3000)*>a%7", "6713742630"),
])
def test_grade_orders_ties_as_kg(k: KlongInterpreter, src: str, shown: str) -> None:
    assert k.show(k.run(src)) == shown


def test_gaps_are_kgs() -> None:
    assert gaps(12) == [6, 3, 1]
    assert gaps(16) == [7, 3, 1]        # 8 is a power of two: 7
    assert gaps(1) == []


@pytest.mark.parametrize("n", [SMALL, 33, 100, 1000, 1024, 1025, 4099])
@pytest.mark.parametrize("spread", [2, 10, 1000])
def test_backend_passes_match_kgs_loop(k: KlongInterpreter, n: int, spread: int) -> None:
    rng = random.Random(n * spread)
    rank = [rng.randrange(spread) for _ in range(n)]
    B = k.verbs.B
    assert B.tolist(shell_order(B, B.asarray(rank, "i"), spread)) == shell_order_py(rank)
