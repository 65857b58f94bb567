"""Modules (spec: SEMANTICS : MODULES), written as files and loaded with .l,
on every installed backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from klong import KlongInterpreter
from klong.errors import KlongError

FOO = """.module(:foo)
a::1
g::{a}
f::{g()}
s::{a::x}
.module(0)
"""

EVEN_ODD = """.module(:foo)
e::{:[0=x;1:|1=x;0;o(x-1)]}
o::{:[0=x;0:|1=x;1;e(x-1)]}
.module(0)
"""


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KLONGPATH", raising=False)
    return tmp_path


def test_spec_sample_module(k: KlongInterpreter, here: Path) -> None:
    (here / "foo.kg").write_text(FOO)
    k('.l("foo")')
    assert k("f()") == 1
    assert k("a::2;f()") == 1
    assert k("g::0;f()") == 1
    assert k("a::0;s(2);a") == 0  # s only affects the a of foo
    assert k("f()") == 2


def test_module_definitions_are_exported(k: KlongInterpreter, here: Path) -> None:
    (here / "foo.kg").write_text(FOO)
    k('.l("foo")')
    assert k("a") == 1
    assert k("g()") == 1
    assert k("s(5);f()") == 5
    assert k("a") == 1  # the exported copy is a separate variable


def test_forward_reference_to_an_undefined_name_is_local(k: KlongInterpreter, here: Path) -> None:
    (here / "eo.kg").write_text(EVEN_ODD)
    k('.l("eo")')
    assert [k(f"e({n})") for n in range(6)] == [1, 0, 1, 0, 1, 0]
    k("o::{x;99}")  # redefining o outside does not change the o that e calls
    assert k("e(3)") == 0


def test_forward_reference_to_an_existing_name_is_that_name(k: KlongInterpreter, here: Path) -> None:
    (here / "eo.kg").write_text(EVEN_ODD)
    k("o::{x;77}")  # o exists when the module is opened: e refers to the global o
    k('.l("eo")')
    assert k("e(4)") == 1  # the module's o::... also assigned the global o
    k("o::{x;77}")
    assert k("e(3)") == 77


def test_dummy_definition_makes_the_forward_reference_local(k: KlongInterpreter, here: Path) -> None:
    (here / "eo.kg").write_text(EVEN_ODD.replace(".module(:foo)\n", ".module(:foo)\no::0\n"))
    k("o::{x;77}")
    k('.l("eo")')
    k("o::{x;77}")
    assert k("e(3)") == 0


def test_second_load_keeps_bindings_working(k: KlongInterpreter, here: Path) -> None:
    (here / "foo.kg").write_text(FOO)
    (here / "eo.kg").write_text(EVEN_ODD)
    k('.l("foo");.l("eo")')
    k('.l("foo");.l("eo")')  # the exported names now exist: they must not capture the module
    assert k("f()") == 1
    assert k("a::2;g::0;f()") == 1
    assert k("a::0;s(3);a") == 0
    assert k("f()") == 3
    assert k('.l("eo");o(5)') == 1
    assert k("o::{x;99};e(5)") == 0  # e still calls the module's own o


def test_functions_may_assign_outside_variables(k: KlongInterpreter, here: Path) -> None:
    (here / "counter.kg").write_text(".module(:counter)\nbump::{count::count+1}\n.module(0)\n")
    k("count::0")
    k('.l("counter")')
    assert k("bump();bump();count") == 2


def test_module_variables_stay_private_to_functions(k: KlongInterpreter, here: Path) -> None:
    (here / "acc.kg").write_text(".module(:acc)\ntotal::0\nadd::{total::total+x}\nget::{total}\n"
                                 ".module(0)\n")
    k('.l("acc")')
    k("add(5);add(6);total::-1")
    assert k("get()") == 11
    assert k("total") == -1


def test_modules_may_not_be_nested(k: KlongInterpreter, here: Path) -> None:
    (here / "inner.kg").write_text(".module(:inner)\ni::1\n.module(0)\n")
    with pytest.raises(KlongError, match=r"modules may not be nested \(:outer is open\)"):
        k('.module(:outer);.l("inner")')
    k(".module(0)")
    k('.l("inner");.module(:outer);j::{i+1};.module(0)')  # loaded before: fine
    assert k("j()") == 2


def test_close_without_open_and_bad_arguments(k: KlongInterpreter) -> None:
    assert k(".module(0)") == []
    with pytest.raises(KlongError, match=r"\.module: expected a symbol or 0"):
        k('.module("foo")')


def test_a_failing_module_file_does_not_leave_the_module_open(k: KlongInterpreter, here: Path) -> None:
    (here / "broken.kg").write_text(".module(:broken)\nb::1\nc::1+:oops\n.module(0)\n")
    with pytest.raises(KlongError):
        k('.l("broken")')
    k("later::5")  # defined outside any module
    k(".module(:other);later2::{later};.module(0)")
    assert k("later::6;later2()") == 6
