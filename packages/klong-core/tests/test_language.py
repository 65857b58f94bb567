"""Language behaviour that the case tables cannot express: error positions,
Python-facing values, exact integers and the display of reals."""

from __future__ import annotations

import pytest

from klong import KlongError, KlongInterpreter
from klong.display import fmt_real
from klong.errors import KlongIncomplete


def show(k: KlongInterpreter, src: str) -> str:
    return k.show(k(src))


# -- errors carry the operator and the position --------------------------------------

@pytest.mark.parametrize("src, message, column", [
    ("1+[1 2]+[1 2 3]", "+: length error", 7),
    ("a::1;b+a", "undefined: b", 5),
    ("{x}(1;2)", "arity error", 3),
    ('1+"a"', "+: type error", 1),
    ("[1 2 3]@5", "@: range error", 7),
])
def test_errors_name_operator_and_position(k: KlongInterpreter, src: str, message: str, column: int) -> None:
    with pytest.raises(KlongError) as info:
        k(src)
    e = info.value
    assert message in e.message
    assert e.line_col() == (1, column)
    rendered = e.render().splitlines()
    assert rendered[1].strip() == src
    assert rendered[2].index("^") - 2 == column


def test_error_inside_function_points_into_its_body(k: KlongInterpreter) -> None:
    src = "f::{x+\"s\"}\ng::{f(x)}\ng(1)"
    with pytest.raises(KlongError) as info:
        k(src)
    assert info.value.line_col() == (1, 5)


def test_unfinished_input_is_reported_as_incomplete(k: KlongInterpreter) -> None:
    for src in ["{x+1", "[1 2", ":[1;2", '"abc', "f(1;"]:
        with pytest.raises(KlongIncomplete):
            k(src)


def test_deep_recursion_is_a_klong_error(k: KlongInterpreter) -> None:
    assert k("{:[x=0;0;1+.f(x-1)]}(10000)") == 10000
    with pytest.raises(KlongError, match="recursion"):
        k("{:[x=0;0;1+.f(x-1)]}(1000000)")


def test_python_exceptions_never_escape(k: KlongInterpreter) -> None:
    for src in ["1:%0.5", "\"a\":=[1 2]", "[1 2]:#[1 2 3]", "0:#[1 2]", "(!3):^[]", ".x"]:
        try:
            k(src)
        except KlongError:
            pass


# -- integers never wrap -------------------------------------------------------------

@pytest.mark.parametrize("src, expected", [
    ("9223372036854775807+1", "9223372036854775808"),
    ("[9223372036854775807 1]+1", "[9223372036854775808 2]"),
    ("(-9223372036854775807)-[2 3]", "[-9223372036854775809 -9223372036854775810]"),
    ("[4611686018427387904 3]*[4 5]", "[18446744073709551616 15]"),
    ("*/1+!25", "15511210043330985984000000"),
    ("+/[9223372036854775807 9223372036854775807]", "18446744073709551614"),
    ("+\\[9223372036854775807 1]", "[9223372036854775807 9223372036854775808]"),
    ("2^[62 64]", "[4611686018427387904 18446744073709551616]"),
    ("-[-9223372036854775808]", "[9223372036854775808]"),
    ("(1+!3)*4611686018427387904", "[4611686018427387904 9223372036854775808 13835058choose]"),
])
def test_exact_integers(k: KlongInterpreter, src: str, expected: str) -> None:
    if "choose" in expected:  # computed, not typed: 3 * 2**62
        expected = f"[4611686018427387904 9223372036854775808 {3 * 2**62}]"
    assert show(k, src) == expected


def test_large_int_arrays_stay_machine_arrays(k: KlongInterpreter) -> None:
    r = k("2*1+!100000")
    assert isinstance(r, k.backend.array_type)
    assert k.show(k("+/2*1+!100000")) == str(sum(2 * (i + 1) for i in range(100000)))


# -- reals always look real and read back ---------------------------------------------

@pytest.mark.parametrize("x, text", [
    (1.0, "1.0"), (6.0, "6.0"), (0.5, "0.5"), (1e100, "1.0e+100"), (0.00001, "0.00001"),
    (123.45, "123.45"), (-2.5, "-2.5"), (1.5e300, "1.5e+300"), (1000000.0, "1000000.0"),
    # plain digits from 1e-18 up to 1e18, as the reference prints them
    (1e-7, "0.0000001"), (-2.5e-9, "-0.0000000025"), (1e-18, "0.000000000000000001"),
    (9.9e-19, "9.9e-19"), (1.5e17, "150000000000000000.0"), (1e18, "1.0e+18"),
])
def test_real_display(x: float, text: str) -> None:
    assert fmt_real(x) == text


def test_reals_read_back_identically(k: KlongInterpreter) -> None:
    for x in [0.1, 1 / 3, 2**0.5, 6.62607004e-34, 1e16, 123456789.123]:
        assert float(k(fmt_real(x))) == x


# -- the Python API --------------------------------------------------------------------

def test_results_are_backend_arrays(k: KlongInterpreter) -> None:
    r = k("2*1+!5")
    assert isinstance(r, k.backend.array_type)
    assert k.backend.tolist(r) == [2, 4, 6, 8, 10]


def test_binding_python_values(k: KlongInterpreter) -> None:
    k["n"] = 3
    k["v"] = [1, 2, 3]
    k["s"] = "abc"
    k["f"] = lambda a, b: a * 10 + b
    assert show(k, "n+v") == "[4 5 6]"
    assert show(k, "s,\"d\"") == '"abcd"'
    assert show(k, "f(4;2)") == "42"
    assert show(k, "1 f 2") == "12"


def test_klong_functions_are_python_callables(k: KlongInterpreter) -> None:
    k("add::{x+y}")
    assert k["add"](2, 3) == 5


def test_two_backends_side_by_side() -> None:
    from klong.plugins import list_backends
    names = [b.name for b in list_backends() if b.status == "ok"]
    ks = [KlongInterpreter(backend=n) for n in names]
    for kk in ks:
        kk("a::1+!3")
    for kk, n in zip(ks, names):
        assert kk.backend.name == n
        assert isinstance(kk("a"), kk.backend.array_type)
        assert kk.show(kk("+/a")) == "6"


@pytest.mark.parametrize("src, expected", [
    ('"abc"="abc"', "1"),
    ('"bar"<"foo"', "1"),
    ('["abc" "x"]="abc"', "[1 0]"),
    ('s::"hello";s@&{x=0cl}\'s', '"ll"'),
])
def test_strings_compare_whole_with_strings(k: KlongInterpreter, src: str, expected: str) -> None:
    assert show(k, src) == expected


@pytest.mark.parametrize("src", ['"hello"=0cl', '0cb<"abc"', '1="a"', "1<[]"])
def test_a_string_or_empty_list_does_not_compare_with_an_atom_of_another_type(
        k: KlongInterpreter, src: str) -> None:
    with pytest.raises(KlongError):  # as in kg: a type error
        k(src)


@pytest.mark.parametrize("src, printed, one_line", [
    ("[3 3]:^!9", "[[0 1 2]\n [3 4 5]\n [6 7 8]]", "[[0 1 2] [3 4 5] [6 7 8]]"),
    ("[[[1 2] [3 4]] [[5 6] [7 8]]]", "[[[1 2]\n  [3 4]]\n [[5 6]\n  [7 8]]]",
     "[[[1 2] [3 4]] [[5 6] [7 8]]]"),
    ("[1 [2 3] 4]", "[1\n [2 3]\n 4]", "[1 [2 3] 4]"),
    ('["a" "bc"]', '["a" "bc"]', '["a" "bc"]'),  # strings do not break a line
    ("[[] []]", "[[] []]", "[[] []]"),
    ("!5", "[0 1 2 3 4]", "[0 1 2 3 4]"),
])
def test_repl_layout_puts_nested_lists_one_per_line(
        k: KlongInterpreter, src: str, printed: str, one_line: str) -> None:
    value = k(src)
    assert k.shower.layout(value) == printed  # the REPL and -e
    assert k.show(value) == one_line  # .w, $ of atoms, messages
    assert k.display(value) == one_line.replace('"', "")  # .d and .p: strings raw
    k.shower.matrix = False  # klong --flat, ]m off
    assert k.shower.layout(value) == one_line


@pytest.mark.parametrize("src, p_text, w_text", [
    ("[[1 2] [3 4]]", "[[1 2] [3 4]]", "[[1 2] [3 4]]"),
    ('[1 [2 3] "ab" 0cx :sym]', "[1 [2 3] ab x :sym]", '[1 [2 3] "ab" 0cx :sym]'),
    ('["ab" 0cx [0cy "z"]]', "[ab x [y z]]", '["ab" 0cx [0cy "z"]]'),
    (':{[1 2] ["a" [3 4]]}', ":{[1 2] [a [3 4]]}", ':{[1 2] ["a" [3 4]]}'),
    ('[[] "" 0cx]', "[[]  x]", '[[] "" 0cx]'),
    ("[1.5 2.0 1e20 0.1]", "[1.5 2.0 1.0e+20 0.1]", "[1.5 2.0 1.0e+20 0.1]"),
    ("{x+y}", ":dyad", ":dyad"),
    (".p", ":monad", ":monad"),
    ("[:a [:b]]", "[:a [:b]]", "[:a [:b]]"),
    ('"a""b"', 'a"b', '"a""b"'),
])
def test_print_and_write_put_every_value_on_one_line_as_the_reference(
        k: KlongInterpreter, capsys: pytest.CaptureFixture, src: str, p_text: str, w_text: str) -> None:
    k(f"v::{src};.p(v);.w(v);.d(v)")
    assert capsys.readouterr().out == p_text + "\n" + w_text + p_text


def test_integers_of_any_length_print_and_read_back(k: KlongInterpreter) -> None:
    assert k("#$2^20000") == 6021  # beyond Python's default 4300-digit text limit
    assert k(".rs($2^20000)=2^20000") == 1
    assert k("1:$50000#\"9\"") == 10**50000 - 1
