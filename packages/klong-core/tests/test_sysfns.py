"""System functions and variables (spec: SEMANTICS : FUNCTIONS and
SEMANTICS : VARIABLES) other than channel I/O, on every installed backend."""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest

from klong import KlongInterpreter
from klong.errors import KlongError


# -- .E .rs ---------------------------------------------------------------------

def test_evaluate(k: KlongInterpreter) -> None:
    assert k('.E("a::123");a') == 123
    assert k.show(k('.E("1+!3")')) == "[1 2 3]"
    assert k.show(k('.E("")')) == ":eof"  # as kg: no program in the text, its end
    assert k.show(k('.E(" \n ")')) == ":eof"
    assert k('.E("[]")') == []


@pytest.mark.parametrize("text", ["1+", "[1 2", "1+:x", "undefinedname", "(1"])
def test_evaluate_bad_text_names_the_text(k: KlongInterpreter, text: str) -> None:
    with pytest.raises(KlongError) as e:
        k(f'.E("{text}")')
    assert e.value.message.startswith(f'.E "{text}": ')
    assert type(e.value) is KlongError  # never KlongIncomplete: the REPL must not wait


def test_read_string(k: KlongInterpreter) -> None:
    assert k.show(k('.rs("[1 2 [3 ""x""] :{[1 2]}]")')) == '[1 2 [3 "x"] :{[1 2]}]'
    assert k('.rs("-1.5")') == -1.5
    assert k.show(k('.rs("0cx")')) == "0cx"


@pytest.mark.parametrize("text", ["[1 2", "1 2", "", ")", '""', "1+2"])
def test_read_string_of_no_one_object_is_undefined(k: KlongInterpreter, text: str) -> None:
    assert k.show(k(f'.rs("{text}")')) == ":undefined"  # as kg, which never fails on a string


# -- files and the system ---------------------------------------------------------

def test_delete_file(k: KlongInterpreter, here: Path) -> None:
    (here / "gone").write_text("x")
    assert k('.df("gone")') == []
    assert not (here / "gone").exists()
    with pytest.raises(KlongError, match=r'\.df: cannot delete "gone": No such file'):
        k('.df("gone")')
    with pytest.raises(KlongError, match=r"\.df: type error"):
        k(".df(1)")


def test_system_runs_through_the_shell_and_returns_the_status(k: KlongInterpreter, here: Path) -> None:
    assert k('.sys("echo $((6*7)) > answer; exit 7")') == 7
    assert (here / "answer").read_text() == "42\n"
    assert k('.sys("true")') == 0
    assert k('.sys("sleep 0.2; test -f answer")') == 0  # waited for the command


def test_system_output_comes_after_earlier_output(tmp_path: Path, klong_cli) -> None:
    prog = tmp_path / "p.kg"
    prog.write_text('.d("before ");.sys("echo from-shell");.p("after")\n')
    r = klong_cli(str(prog), cwd=tmp_path)
    assert (r.returncode, r.stdout) == (0, "before from-shell\nafter\n")


def test_random_numbers_are_in_the_unit_interval(k: KlongInterpreter) -> None:
    k("r::{x;.rn()}'!2000")
    assert k("(&/r>-1e-300)&&/r<1") == 1
    assert k("#?r") > 1900
    assert 0.4 < k("(+/r)%#r") < 0.6


def test_process_clock_measures_cpu_time(k: KlongInterpreter) -> None:
    k("t0::.pc()")
    assert type(k("t0")) is float and k("t0") >= 0
    start = time.process_time()
    while time.process_time() - start < 0.05:
        pass
    assert k(".pc()-t0") >= 0.04
    # the spec's timing program
    assert k("{[t0];t0::.pc();x@[];.pc()-t0}({+/!1000})") >= 0


def test_time_and_tz_offset(k: KlongInterpreter) -> None:
    t = time.time()
    assert abs(k(".time()") - t) < 5
    assert k(".tzoff(0)") == time.localtime(0).tm_gmtoff
    with pytest.raises(KlongError, match=r"\.tzoff: type error"):
        k('.tzoff("x")')


# -- .l ------------------------------------------------------------------------

def test_load_returns_the_last_value_and_defines(k: KlongInterpreter, here: Path) -> None:
    (here / "lib.kg").write_text("sq::{x*x}\nsq(7)\n")
    assert k('.l("lib")') == 49
    assert k("sq(3)") == 9
    assert k('.l("lib.kg")') == 49
    (here / "value").write_text("[1 2 3]\n")  # no .kg: the name as given
    assert k.show(k('.l("value")')) == "[1 2 3]"


def test_load_searches_klongpath_in_order(k: KlongInterpreter, here: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    for d, v in (("one", 1), ("two", 2)):
        (here / d).mkdir()
        (here / d / "m.kg").write_text(f"{v}\n")
    (here / "two" / "only2.kg").write_text("22\n")
    monkeypatch.setenv("KLONGPATH", f"{here / 'one'}:{here / 'two'}")
    assert k('.l("m")') == 1
    assert k('.l("only2")') == 22
    monkeypatch.setenv("KLONGPATH", f"{here / 'two'}:{here / 'one'}")
    assert k('.l("m")') == 2
    assert k('.l("math");pi') == pytest.approx(math.pi)  # the bundled library comes last
    with pytest.raises(KlongError, match=r'\.l: file not found: "m"'):
        monkeypatch.setenv("KLONGPATH", str(here))
        k('.l("m")')


def test_load_default_path_is_cwd_then_library(k: KlongInterpreter, here: Path) -> None:
    assert k('.l("math");e') == pytest.approx(math.e)
    (here / "math.kg").write_text("e:::mine\n")  # "." comes before the library
    assert k.show(k('.l("math");e')) == ":mine"


def test_load_paths_starting_with_slash_or_dot_skip_the_search(k: KlongInterpreter, here: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    (here / "sub").mkdir()
    (here / "sub" / "f.kg").write_text("5\n")
    monkeypatch.setenv("KLONGPATH", str(here / "sub"))
    assert k('.l("f")') == 5
    assert k(f'.l("{here}/sub/f")') == 5
    assert k('.l("./sub/f.kg")') == 5
    with pytest.raises(KlongError, match='not found: "./f"'):
        k('.l("./f")')  # relative to the working directory, not KLONGPATH


def test_load_errors(k: KlongInterpreter, here: Path) -> None:
    with pytest.raises(KlongError, match=r'\.l: file not found: "nothing" \(searched \.:'):
        k('.l("nothing")')
    (here / "bad.kg").write_text("a::1\nb::1+\n")
    with pytest.raises(KlongError) as e:
        k('.l("bad")')
    assert type(e.value) is KlongError
    assert e.value.render().startswith("bad.kg:2: syntax error")
    (here / "fails.kg").write_text("f::{x+:sym}\nf(1)\n")
    with pytest.raises(KlongError) as e:
        k('.l("fails")')
    assert e.value.render().startswith("fails.kg:1: ")  # where the failing expression is
    (here / "dir.kg").mkdir()
    with pytest.raises(KlongError, match="not found"):
        k('.l("dir.kg")')


def test_comment_skips_to_the_delimiter_line(k: KlongInterpreter, here: Path) -> None:
    (here / "c.kg").write_text('a::1\n.comment("end-of-comment")\nthis will be ignored\n'
                               'this, too: *%(*^#)&(#\nend-of-comment and the rest of this line\n'
                               "b::a+1\nb*10\n")
    assert k('.l("c")') == 20
    assert k("b") == 2
    assert k('x::.comment("***")\n[[[ not klong\n***\nx') == "***"
    assert k('.comment("END")\n1+\nEND\n5') == 5


def test_comment_without_its_delimiter_skips_the_rest(k: KlongInterpreter) -> None:
    assert k('q::1\n.comment("nope")\nq::2\n') == "nope"
    assert k("q") == 1


# -- variables -------------------------------------------------------------------

def test_arguments_variable(k: KlongInterpreter, tmp_path: Path, klong_cli) -> None:
    prog = tmp_path / "args.kg"
    prog.write_text(".p(.a);.p(#.a)\n")
    r = klong_cli(str(prog), "one", "two words", "-e", cwd=tmp_path)
    assert (r.returncode, r.stdout) == (0, '[one two words -e]\n3\n'), r.stderr  # .p: strings raw
    assert klong_cli("-e", ".w(.a)", str(prog), "x", cwd=tmp_path).stdout.endswith('["x"]["x"]\n')  # .w quotes
    assert klong_cli(str(prog), cwd=tmp_path).stdout == "[]\n0\n"
    assert k.show(k(".a")) == "[]"  # an interpreter not running a file has no arguments


def test_run_file_binds_arguments(k: KlongInterpreter, tmp_path: Path) -> None:
    prog = tmp_path / "a.kg"
    prog.write_text("(#.a),.a\n")
    assert k.show(k.run_file(str(prog), ["p", "q"])) == '[2 "p" "q"]'


def test_standard_channel_variables(k: KlongInterpreter) -> None:
    # named by their file descriptors, as the reference names channels
    assert k.show(k(".cin")) == ":inchan.0"
    assert k.show(k(".cout")) == ":outchan.1"
    assert k.show(k(".cerr")) == ":outchan.2"
    assert k(".cout") is not k(".cerr")


def test_columns_editor_host_fastpow(k: KlongInterpreter) -> None:
    assert k(".cols") == 80
    assert k(".edit") == 1  # as kg with its line editor: ours always edits lines
    assert k.show(k(".h")) == ":unix"
    assert k(".fastpow") == 0
    plain = k("2.0^0.5")
    assert k(".fastpow::1;2.0^0.5") == plain
    assert k(".pow(2;10)") == 1024
    assert k(".pow(2.0;0.5)") == plain


def test_epsilon(k: KlongInterpreter) -> None:
    eps = k(".e")
    assert 0 < eps < 1e-6
    assert k("sq2::.sqrt(2);sq2~sq2+10*.e") == 1
    assert k("1~1+.e") == 1
    assert k("(0.1+.e)>0.1") == 1  # reals just above 0.1 differ by less than .e
    assert k("1+.e") == 1.0  # the manual: 1+.e --> 1
    assert math.floor(math.log10(1 / eps)) == 16  # the exponent of %.e: the mantissa's digits


def test_function_variable_gives_anonymous_recursion(k: KlongInterpreter) -> None:
    assert k.show(k("{:[0=x;[];1,.f(x-1)]}(4)")) == "[1 1 1 1]"
    assert k("{:[@x;0;1+|/.f'x]}([1 [2 [3 [4]]] 5])") == 4
    assert k("{:[x<2;x;.f(x-1)+.f(x-2)]}(15)") == 610
    assert k.backend.tolist(k("{:[x<2;1;x*.f(x-1)]}'[3 4]")) == [6, 24]


def test_it_is_not_set_outside_the_repl(k: KlongInterpreter) -> None:
    # `it` belongs to interactive mode (the REPL sets it); a program starts without it
    with pytest.raises(KlongError, match="undefined"):
        k("it")


# -- the backend math builtins -----------------------------------------------------

@pytest.mark.parametrize("name,f", [(".exp", math.exp), (".ln", math.log), (".sqrt", math.sqrt),
                                    (".sin", math.sin), (".cos", math.cos), (".tan", math.tan),
                                    (".asin", math.asin), (".acos", math.acos), (".atan", math.atan),
                                    (".sinh", math.sinh), (".cosh", math.cosh), (".tanh", math.tanh)])
def test_math_builtins_are_atomic(k: KlongInterpreter, name: str, f) -> None:
    xs = [0.25, 0.5, 0.75]
    assert k(f"{name}(0.5)") == pytest.approx(f(0.5))
    assert type(k(f"{name}(0)")) is float  # an integer gives a real
    got = k.to_python(k(f"{name}([0.25 [0.5 [0.75]] []])"))
    assert got[0] == pytest.approx(f(0.25))
    assert float(got[1][0]) == pytest.approx(f(0.5))
    assert float(got[1][1][0]) == pytest.approx(f(0.75))
    assert len(got[2]) == 0
    arr = k(f"{name}([0.25 0.5 0.75])")
    assert [float(v) for v in arr] == pytest.approx([f(v) for v in xs])
    assert k.show(k(f"{name}(!3)")).startswith("[")
    with pytest.raises(KlongError, match=f"\\{name}: type error"):
        k(f'{name}("abc")')


def test_math_edge_values(k: KlongInterpreter, capfd: pytest.CaptureFixture) -> None:
    assert k.show(k(".ln(0)")) == "-inf"
    assert k.show(k(".sqrt(-1)")) == "nan"
    assert k.show(k(".exp([1000.0])")) == "[inf]"
    assert capfd.readouterr().err == ""  # no library warnings on the terminal
    with pytest.raises(KlongError, match=r"\.exp: a number too large"):
        k(".exp(10^400)")


def test_math_builtins_differentiate(k: KlongInterpreter) -> None:
    assert k("{.exp(x)}:>1.0") == pytest.approx(math.e, rel=1e-6)
    assert k("{.sin(x)*.ln(x)}:>2.0") == pytest.approx(math.cos(2) * math.log(2) + math.sin(2) / 2,
                                                     rel=1e-6)
    g = k("{+/.sqrt(x)}:>[1.0 4.0]")
    assert [float(v) for v in g] == pytest.approx([0.5, 0.25], rel=1e-6)


def test_math_gradients_are_exact_on_torch() -> None:
    pytest.importorskip("klong_torch")
    k = KlongInterpreter(backend="torch")
    assert k("{.exp(x)}:>1.0") == math.e
    assert k("{.tanh(x)}:>0.0") == 1.0
    g = k("{+/.ln(x)}:>[1.0 2.0 4.0]")
    assert [float(v) for v in g] == [1.0, 0.5, 0.25]
