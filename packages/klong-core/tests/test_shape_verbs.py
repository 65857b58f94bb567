"""The structural operators as the reference interpreter kg defines them where
the spec is silent or loose: reshape (:^), shape (^), take (#), split (:#),
index in depth (:@) and form (:$), on every backend."""

from __future__ import annotations

import pytest

from klong import KlongError, KlongInterpreter


def show(k: KlongInterpreter, src: str) -> str:
    return k.show(k(src))


# -- :^ reshape ----------------------------------------------------------------------

@pytest.mark.parametrize("src, expected", [
    ("[3 3]:^[0 1]", "[[0 1 0] [1 0 1] [0 1 0]]"),
    ("(-1):^!10", "[0 1 2 3 4]"),  # -1 is half the source, wherever it stands
    ("[3 -1]:^!10", "[[0 1 2 3 4] [5 6 7 8 9] [0 1 2 3 4]]"),
    ("[-1 -1]:^[1 2 3 4]", "[[1 2] [3 4]]"),
    ("[3 -1]:^[[1 2] [3 4]]", "[[[1 2]] [[3 4]] [[1 2]]]"),  # items of a matrix
    ("[2 3]:^0cx", '["xxx" "xxx"]'),  # a row of characters is a string
    ("[2 2]:^[1 0cx 0cy 0cz]", '[[1 0cx] "yz"]'),
    ('[2 3]:^["ab" "cd"]', '["abc" "dab"]'),  # a list of strings is one run of characters
    ("[2 2]:^[]", "[[[] []] [[] []]]"),  # the empty list is an atom
    ("3:^!0", "[[] [] []]"),
    ("0:^[1 2 3]", "[1 2 3]"),
])
def test_reshape(k: KlongInterpreter, src: str, expected: str) -> None:
    assert show(k, src) == expected


@pytest.mark.parametrize("src", [
    "[]:^[1 2]", "[0 2]:^!10", "[1 0]:^7", "(-2):^!10", "(-1):^7", "(-1):^[5]",
    "[3 -1]:^[]", "0.0:^[1 2]", "[2.0 1]:^[1 2]",
])
def test_reshape_refuses(k: KlongInterpreter, src: str) -> None:
    with pytest.raises(KlongError, match=":\\^"):
        k(src)


# -- :$ form -------------------------------------------------------------------------

@pytest.mark.parametrize("src, expected", [
    ('1:$"+5"', "5"),
    ('1:$" 12"', ":undefined"),  # no blanks around the number
    ('1:$"1.0"', ":undefined"),
    ('1.0:$"1.e3"', "1000.0"),
    ('1.0:$".5"', "0.5"),
    ('1.0:$"inf"', ":undefined"),
    ('0cx:$"ab"', ":undefined"),
    (':x:$"a.b"', ":a.b"),
    (':x:$".a"', ":undefined"),
    ('[1 1.0]:$"12"', "[12 12.0]"),  # atomic on the target too
    ('[[1 2] [3]]:$""', "[[:undefined :undefined] [:undefined]]"),
    ('1:$["12" "34"]', "[12 34]"),
    ('[]:$"abc"', '"abc"'),  # the empty list, like a string, takes the text as it is
    (':{[1 2]}:$"abc"', '"abc"'),
])
def test_form(k: KlongInterpreter, src: str, expected: str) -> None:
    assert show(k, src) == expected


@pytest.mark.parametrize("src", ['1:$[]', '1:$0cx', '"a":$[]', '[1 2]:$["1" "2" "3"]'])
def test_form_refuses(k: KlongInterpreter, src: str) -> None:
    with pytest.raises(KlongError, match=":\\$"):
        k(src)


# -- :@ index in depth ---------------------------------------------------------------

@pytest.mark.parametrize("src, expected", [
    ("[[1 2] [3 4]]:@[0 1]", "2"),
    ("[[1 2] [3 4]]:@[1]", "[3 4]"),  # fewer indices than levels: a part
    ("[1 [2 3]]:@[1 1]", "3"),
    ('["ab" "cd"]:@[1 0]', "0cc"),
    ('"abc":@1', "0cb"),  # like @ (kg refuses a string; see docs/reference-differences.md)
    ("{y+x*x}:@[2 3]", "7"),
])
def test_index_in_depth(k: KlongInterpreter, src: str, expected: str) -> None:
    assert show(k, src) == expected


@pytest.mark.parametrize("src", [
    "[1 2 3]:@[]", ":{[1 2]}:@1", "[[1 2] [3 4]]:@[[0 1]]", "[1 2 3]:@[0 1]",
    "[1 2 3]:@3", "[1 2 3]:@(-1)", "[1 2 3]:@1.0",
])
def test_index_in_depth_refuses(k: KlongInterpreter, src: str) -> None:
    with pytest.raises(KlongError, match=":@"):
        k(src)


# -- # take --------------------------------------------------------------------------

@pytest.mark.parametrize("src, expected", [
    ("5#[1 2 3]", "[1 2 3 1 2]"),
    ("(-5)#[1 2 3]", "[2 3 1 2 3]"),
    ("(-3)#[[1 2] [3 4]]", "[[3 4] [1 2] [3 4]]"),
    ('3#""', '""'),
    ("3#[]", "[]"),
    ("3#[7]", "[7 7 7]"),
])
def test_take(k: KlongInterpreter, src: str, expected: str) -> None:
    assert show(k, src) == expected


@pytest.mark.parametrize("src", ["3#7", "0#0cx", "1#:sym", "2#:{[1 2]}", "[1 2]#'[1 2]"])
def test_take_needs_a_list_or_a_string(k: KlongInterpreter, src: str) -> None:
    with pytest.raises(KlongError, match="#"):
        k(src)


# -- :# split ------------------------------------------------------------------------

@pytest.mark.parametrize("src, expected", [
    ("[1 2]:#[1 2 3 4 5 6]", "[[1] [2 3] [4] [5 6]]"),
    ('3:#"abcdefg"', '["abc" "def" "g"]'),
    ("[3 -1]:#[1 2 3]", "[[1 2 3]]"),  # a size is checked when it is used
    ('0:#""', "[]"),
    ("[0 2]:#[]", "[]"),
    ("[1.5 2]:#[]", "[]"),
])
def test_split(k: KlongInterpreter, src: str, expected: str) -> None:
    assert show(k, src) == expected


@pytest.mark.parametrize("src", [
    "[]:#[1 2]", "[]:#[]", "2.5:#[]", "0:#[1 2]", "[1 0]:#[1 2]", "[-1 2]:#[1 2]",
    "12345678901234567890:#[1 2]", "2:#7",
])
def test_split_refuses(k: KlongInterpreter, src: str) -> None:
    with pytest.raises(KlongError, match=":#"):
        k(src)


# -- ^ power with a real exponent ----------------------------------------------------

@pytest.mark.parametrize("src, expected", [
    ("[1.5 2]^0", "[1 1]"),  # x^0 is the integer 1
    ("2^3.0", "8"),  # a whole real exponent reached without a root multiplies
    ("[1 2 3]^3.0", "[1 8 27]"),
    ("2^64.0", "18446744073709551616"),
    ("2^-2.0", "0.25"),
    ("(-3)^3.0", "-27"),
    ("(-3)^2.5", ":undefined"),  # a negative base has no root
    ("(-3)^0.0", ":undefined"),
    ("[4 -1]^0.5", "[2.0 :undefined]"),
    ("0^2.5", "0"),
    ("0.0^2.5", "0.0"),
    ("0^-0.5", ":undefined"),
    ("[1 0]^[1.5 2.5]", "[1.0 0]"),
    ("2.5^0.0", "1.0"),
])
def test_power_as_kg(k: KlongInterpreter, src: str, expected: str) -> None:
    assert show(k, src) == expected


def test_power_of_positive_reals_stays_an_array(k: KlongInterpreter) -> None:
    assert isinstance(k("(1+!5)^0.5"), k.backend.array_type)
    assert show(k, "(1+!3)^0.5") == "[1.0 1.4142135623730951 1.7320508075688772]"


# -- ^ shape -------------------------------------------------------------------------

@pytest.mark.parametrize("src, expected", [
    ("^,,,1", "[1 1 1]"),  # the spec; kg says [1] (docs/reference-differences.md: shape-one)
    ("^,[1 2]", "[1 2]"),
    ("^[2 1 2]:^1", "[2 1 2]"),
    ('^["ab" "cd"]', "[2 2]"),
    ("^[[1] [2 3]]", "[2]"),
])
def test_shape_follows_the_spec(k: KlongInterpreter, src: str, expected: str) -> None:
    assert show(k, src) == expected
