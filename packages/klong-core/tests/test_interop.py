"""Python interop, both ways: ``.py``, ``.pyf``, ``.pyc``, ``.pya``; value
conversions; Python callables as Klong functions and Klong functions as Python
callables; ``k.eval_file``. Runs on every installed backend (the ``k`` fixture)."""

from __future__ import annotations

import json
import math
import textwrap
from pathlib import Path

import pytest

from klong import KlongError, KlongInterpreter
from klong.interop import KlongCallable, PyFunction, exports, klong_name
from klong.values import Char, KDict, KFunction, Symbol

MODULE = '''
import json as _json
from os.path import join          # imported: not exported by default

def add(a, b):
    return a + b

def hello():
    return "hi"

def five(a, b, c, d, e):
    return [a, b, c, d, e]

def total(*xs):
    return sum(xs)

def scaled(x, factor=10):
    return x * factor

def snake_case_name(x):
    return -x

def who(klong, x):
    return klong.backend.name + ":" + klong.show(x)

def boom(x):
    raise ValueError(f"bad {x}")

def call_back(f, x):
    return f(x, 2)

def kinds(*values):
    return [type(v).__name__ for v in values]

class Box:
    def __init__(self, v):
        self.v = v
        self.inner = self
    def get(self):
        return self.v
    def __call__(self, x):
        return [self.v, x]

def _private():
    return 0

LIMIT = 3
'''


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def prog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, k: KlongInterpreter):
    """Run a Klong program from a file beside ``mymod.py`` (the cwd is elsewhere,
    so modules must be found next to the program)."""
    write(tmp_path / "src" / "mymod.py", MODULE)
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    counter = iter(range(1000))

    def run(code: str):
        # a fresh module name per program: a module is imported once per file
        path = write(tmp_path / "src" / f"prog{next(counter)}.kg", code)
        return k.run_file(str(path))
    return run


# -- .py: modules and their exports -------------------------------------------------

def test_py_binds_public_functions_with_klong_names(prog, k: KlongInterpreter) -> None:
    prog('.py("mymod")')
    assert prog("add(1;2)") == 3
    assert prog("hello()") == "hi"
    assert prog("snakeCaseName(4)") == -4
    assert isinstance(k.globals["Box"], PyFunction)  # a class is a callable
    for absent in ("join", "private", "LIMIT", "json", "Json"):
        assert absent not in k.globals


def test_py_returns_the_module_for_pya(prog) -> None:
    assert prog('m::.py("mymod"); .pya(m;"LIMIT")') == 3
    assert prog('.pya(.py("math");"pi")') == math.pi


def test_klong_exports_mapping_limits_and_renames(tmp_path: Path, prog, k: KlongInterpreter) -> None:
    write(tmp_path / "src" / "lim.py", """
        def long_python_name(x): return x + 1
        def other(x): return x
        ANSWER = 42
        __klong_exports__ = {"inc": long_python_name, "answer": ANSWER}
    """)
    prog('.py("lim")')
    assert prog("inc(1)") == 2
    assert prog("answer") == 42
    assert "other" not in k.globals and "longPythonName" not in k.globals


def test_klong_exports_list_and_dunder_all(tmp_path: Path, prog, k: KlongInterpreter) -> None:
    write(tmp_path / "src" / "listed.py", """
        from math import gcd
        def a_b(x): return 1
        def c(x): return 2
        __klong_exports__ = ["a_b"]
    """)
    write(tmp_path / "src" / "withall.py", """
        from math import gcd
        def c(x): return 2
        def d(x): return 3
        __all__ = ["gcd", "c"]
    """)
    prog('.py("listed")')
    assert prog("aB(0)") == 1 and "c" not in k.globals
    prog('.py("withall")')
    assert prog("gcd(12;18)") == 6 and prog("c(0)") == 2 and "d" not in k.globals


def test_py_file_path_and_package_folder(tmp_path: Path, prog) -> None:
    write(tmp_path / "src" / "lib" / "tools.py", "def triple(x): return 3 * x\n")
    write(tmp_path / "src" / "pkg" / "__init__.py", "from .impl import square\n__all__ = ['square']\n")
    write(tmp_path / "src" / "pkg" / "impl.py", "def square(x): return x * x\n")
    assert prog('.py("lib/tools.py"); triple(5)') == 15
    assert prog('.py("pkg"); square(7)') == 49


def test_py_resolves_next_to_the_innermost_program(tmp_path: Path, prog) -> None:
    write(tmp_path / "src" / "sub" / "deep.py", "def deep(): return 'deep'\n")
    write(tmp_path / "src" / "sub" / "loader.kg", '.py("deep")\n')
    assert prog(f'.l("{tmp_path / "src" / "sub" / "loader.kg"}"); deep()') == "deep"


def test_py_without_a_file_uses_the_current_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      k: KlongInterpreter) -> None:
    write(tmp_path / "here.py", "def here(): return 7\n")
    monkeypatch.chdir(tmp_path)
    assert k('.py("here"); here()') == 7


def test_py_errors_are_klong_errors(tmp_path: Path, prog) -> None:
    with pytest.raises(KlongError, match=r"\.py: no Python module 'no_such_module_xyz'"):
        prog('.py("no_such_module_xyz")')
    write(tmp_path / "src" / "broken.py", "raise RuntimeError('cannot start')\n")
    with pytest.raises(KlongError, match=r"\.py: importing broken: Python RuntimeError: cannot start"):
        prog('.py("broken")')
    with pytest.raises(KlongError, match="no such file"):
        prog('.py("missing/thing.py")')
    with pytest.raises(KlongError, match="must be a string"):
        prog(".py(1)")


# -- .pyf ---------------------------------------------------------------------------

def test_pyf_binds_one_or_several_names(prog, k: KlongInterpreter) -> None:
    f = prog('.pyf("mymod";"add")')
    assert isinstance(f, PyFunction) and f.arity == 2
    assert "hello" not in k.globals
    fs = prog('.pyf("math";["gcd" "hypot"])')
    assert [g.name for g in fs] == ["gcd", "hypot"]
    assert prog("gcd(84;36)") == 12
    assert prog("hypot(3;4)") == 5.0
    assert prog('.pyf("mymod";"snake_case_name"); snakeCaseName(1)') == -1


def test_pyf_class_is_a_callable_and_objects_stay_opaque(prog, k: KlongInterpreter) -> None:
    prog('.pyf("mymod";"Box"); b::.pyc(Box;,5;[])')
    box = k.globals["b"]
    assert isinstance(box, PyFunction)  # Box instances are callable: a Klong monad
    assert box.arity == 1
    assert k.show(prog("b(9)")) == "[5 9]"
    assert prog('.pya(b;"v")') == 5
    assert prog('.pya(b;"inner.inner.v")') == 5
    assert prog('.pyc(.pya(b;"get");[];:{})') == 5


def test_pyf_missing_name(prog) -> None:
    with pytest.raises(KlongError, match="has no attribute 'nope'"):
        prog('.pyf("mymod";"nope")')


# -- .pyc and .pya ------------------------------------------------------------------

def test_pyc_positional_and_keyword_arguments(prog) -> None:
    prog('.pyf("json";"dumps")')
    assert prog('.pyc(dumps;,:{["b" 1] ["a" 2]};:{["sort_keys" 1]})') == '{"a": 2, "b": 1}'
    assert prog('.pyc(dumps;,"x";:{[:indent 2]})') == '"x"'
    assert prog('.pyf("mymod";"add"); .pyc(add;[1 2];[])') == 3
    assert prog('.pyc(add;[1 2])') == 3              # keyword arguments may be left out
    assert prog('.pyf("mymod";"hello"); .pyc(hello)') == "hi"
    assert prog('.pyc(.pya(.py("math");"sqrt");16)') == 4.0  # an atom is one argument


def test_pyc_and_pya_errors(prog) -> None:
    with pytest.raises(KlongError, match="is not callable"):
        prog(".pyc(1;[];[])")
    with pytest.raises(KlongError, match="keyword arguments must be a dictionary"):
        prog('.pyf("mymod";"add"); .pyc(add;[1 2];5)')
    with pytest.raises(KlongError, match="add: Python TypeError"):
        prog('.pyc(add;[1 2];:{["zzz" 1]})')
    with pytest.raises(KlongError, match="has no attribute 'missing'"):
        prog('.pya(.py("math");"missing")')


# -- calling conventions ------------------------------------------------------------

def test_arity_from_the_signature(prog, k: KlongInterpreter) -> None:
    prog('.py("mymod")')
    assert [k.globals[n].arity for n in ("hello", "add", "snakeCaseName", "scaled")] == [0, 2, 1, 2]
    assert k.show(prog("five([1 2 3 4 5])")) == "[1 2 3 4 5]"   # more than 3: one list, spread
    assert prog("total([1 2 3 4])") == 10                        # *args: one list, spread
    assert prog("total(,7)") == 7
    assert prog("scaled(3)") == 30                               # a default may be left out
    assert prog("scaled(3;2)") == 6
    assert k.show(prog("hello'[1 2 3]")) == '["hi" "hi" "hi"]'   # a nilad through an adverb
    with pytest.raises(KlongError, match="arity error: add takes 2 arguments, called with 1"):
        prog("add(1)")


def test_first_parameter_klong_receives_the_interpreter(prog, k: KlongInterpreter) -> None:
    prog('.py("mymod")')
    assert k.globals["who"].arity == 1
    name = k.backend.name
    assert prog('who("x")') == f'{name}:"x"'
    assert prog('who(klong;"x")') == f'{name}:"x"'            # the document's explicit form
    assert prog("who'[1 2]") == [f"{name}:1", f"{name}:2"]


def test_python_exception_becomes_klong_error_naming_function(prog) -> None:
    prog('.py("mymod")')
    with pytest.raises(KlongError) as e:
        prog("boom(3)")
    assert "boom: Python ValueError: bad 3" in str(e.value)
    rendered = e.value.render()
    assert "boom(3)" in rendered and "Traceback" not in rendered


def test_klong_function_handed_to_python_is_callable(prog) -> None:
    prog('.py("mymod")')
    assert prog("callBack({x+y};5)") == 7


def test_klong_interpreter_passes_as_itself(prog, k: KlongInterpreter) -> None:
    prog('.py("mymod")')
    assert prog("kinds(klong;1;2.5)") == ["KlongInterpreter", "int", "float"]
    assert k.to_klong(k) is k and k.to_python(k.globals["klong"]) is k


# -- conversions --------------------------------------------------------------------

def test_scalars_strings_chars_symbols_round_trip(k: KlongInterpreter) -> None:
    for v in (1, -5, 2.5, "text", "", Char("a"), Symbol("sym"), 10 ** 30):
        assert k.to_python(k.to_klong(v)) == v
        assert type(k.to_python(k.to_klong(v))) is type(v)
    assert k.to_klong(True) == 1 and type(k.to_klong(True)) is int
    assert k.to_klong(None) == []
    k["c"] = Char("z")
    assert k("c") is Char("z") and k["c"] is Char("z")


def test_lists_become_backend_arrays_and_come_back_as_arrays(k: KlongInterpreter) -> None:
    AT = k.backend.array_type
    k["v"] = [1, 2, 3]
    assert isinstance(k.globals["v"], AT)
    assert k.show(k("2*v")) == "[2 4 6]"
    assert isinstance(k["v"], AT)
    k["t"] = (1.5, 2.5)
    assert k.show(k("t")) == "[1.5 2.5]"
    k["mixed"] = [1, "a", [2, 3], Symbol("s")]
    assert k.show(k("mixed")) == '[1 "a" [2 3] :s]'
    back = k["mixed"]
    assert back[0] == 1 and back[1] == "a" and back[3] is Symbol("s")
    assert k.backend.tolist(back[2]) == [2, 3]


def test_numpy_arrays_enter_any_backend(k: KlongInterpreter) -> None:
    np = pytest.importorskip("numpy")
    k["m"] = np.arange(6).reshape(2, 3)
    assert k.show(k("+/m")) == "[3 5 7]"
    assert isinstance(k.globals["m"], k.backend.array_type)
    k["s"] = np.array(["ab", "cd"])  # not numeric: a list of strings
    assert k.show(k("s")) == '["ab" "cd"]'
    k["x"] = np.float64(2.5)
    assert k("x") == 2.5 and type(k.globals["x"]) is float


def test_tensors_stay_tensors_on_their_device(k: KlongInterpreter) -> None:
    if k.backend.name != "torch":
        pytest.skip("torch backend only")
    import torch
    t = torch.arange(4, dtype=torch.float64, device=k.backend.device)
    k["t"] = t
    out = k("t*2")
    assert isinstance(out, torch.Tensor) and str(out.device) == str(t.device)
    assert k["t"] is k.globals["t"]


def test_dictionaries_both_ways(k: KlongInterpreter) -> None:
    k["d"] = {"a": 1, "b": [1, 2], 3: "c"}
    assert isinstance(k.globals["d"], KDict)
    assert k('d?"a"') == 1 and k("d?3") == "c"
    back = k["d"]
    assert set(back) == {"a", "b", 3} and back["a"] == 1
    assert k.backend.tolist(back["b"]) == [1, 2]
    d = k(':{[:x 1] [[1 2] "pair"]}')
    py = k.to_python(d)
    assert py[Symbol("x")] == 1 and py[(1, 2)] == "pair"


def test_functions_round_trip_to_the_same_object(k: KlongInterpreter) -> None:
    def f(a):
        return a

    fk = k.to_klong(f)
    assert isinstance(fk, PyFunction) and k.to_python(fk) is f
    lam = k.run("{x+1}")
    py = k.to_python(lam)
    assert isinstance(py, KlongCallable) and py(1) == 2
    assert k.to_klong(py) is lam


def test_opaque_objects_pass_back_unchanged(k: KlongInterpreter) -> None:
    class Thing:
        pass

    obj = Thing()
    k["o"] = obj
    assert k.globals["o"] is obj and k["o"] is obj
    assert k.show(k("o")) == ":pyobj<Thing>"
    k["ident"] = lambda v: v
    assert k("ident(o)") is obj


# -- from Python into Klong ---------------------------------------------------------

def test_klong_functions_are_python_callables(k: KlongInterpreter) -> None:
    k("f::{x+y}; g::{42}; h::{x,y,z}")
    assert k["f"](1, 2) == 3
    assert k["g"]() == 42
    assert k.show(k.to_klong(k["h"](1, 2, 3))) == "[1 2 3]"
    assert k.backend.tolist(k["f"]([1, 2], 10)) == [11, 12]
    assert k["f"].arity == 2
    with pytest.raises(KlongError, match="arity error"):
        k["f"](1)
    k("bad::{x+\"s\"}")
    with pytest.raises(KlongError):
        k["bad"](1)


def test_registering_python_functions_with_any_parameter_names(k: KlongInterpreter) -> None:
    k["mix"] = lambda apple, banana: apple * 10 + banana
    k["greet"] = lambda klong, name: f"hi {name} from {klong.backend.name}"
    k["nothing"] = lambda: 5
    assert k("mix(1;2)") == 12
    assert k('greet("ann")') == f"hi ann from {k.backend.name}"
    assert k("nothing()") == 5
    assert k.show(k("{mix(x;1)}'[1 2 3]")) == "[11 21 31]"
    assert k("mix/[1 2 3]") == 123


def test_callable_object_becomes_a_function_with_its_call_arity(k: KlongInterpreter) -> None:
    class Counter:
        def __init__(self):
            self.n = 0

        def __call__(self, step):
            self.n += step
            return self.n

    c = Counter()
    k["count"] = c
    assert k.globals["count"].arity == 1
    k("{count(2)}'!5")
    assert c.n == 10
    assert k["count"] is c


def test_eval_file_runs_a_program(tmp_path: Path, k: KlongInterpreter) -> None:
    path = write(tmp_path / "p.kg", "a::6\nb::a*7\n")
    assert k.eval_file(str(path)) == 42
    assert k["b"] == 42
    with pytest.raises(KlongError, match="cannot read"):
        k.eval_file(str(tmp_path / "none.kg"))


def test_exports_and_names_helpers() -> None:
    import json as json_module
    assert klong_name("snake_case_name") == "snakeCaseName"
    assert klong_name("_private_x") == "privateX"
    names = exports(json_module)  # __all__ is honoured
    assert {"dumps", "loads", "JSONDecodeError"} <= set(names)
    assert all(isinstance(n, str) and "_" not in n for n in names)
    assert json.loads("1") == 1


def test_value_and_gradients_accepts_python_side_callables(k: KlongInterpreter) -> None:
    from klong import value_and_gradients
    k("w::3.0; loss::{w^2}")
    value, (g,) = value_and_gradients(k, k.to_klong(k["loss"]), ["w"])
    assert value == pytest.approx(9.0) and float(g) == pytest.approx(6.0, abs=1e-6)
    assert isinstance(k.globals["loss"], KFunction)
