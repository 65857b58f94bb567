"""The interactive commands and the REPL step, without a terminal
(:mod:`klong.interaction`), and the help texts (:mod:`klong.helptext`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from klong import KlongInterpreter
from klong.errors import KlongError, KlongExit
from klong.helptext import ENTRIES, KINDS, apropos, lookup
from klong.interaction import Interaction, _fmt_seconds, brief, needs_more, run_command
from klong.plugins import list_backends

BACKENDS = [b.name for b in list_backends() if b.status == "ok"]


@pytest.fixture
def s(k: KlongInterpreter) -> Interaction:
    return Interaction(k)


# -- help texts ---------------------------------------------------------------------

def test_every_operator_meaning_has_help(k: KlongInterpreter) -> None:
    monads = {h.key for h in ENTRIES if h.kind == "monad"}
    dyads = {h.key for h in ENTRIES if h.kind == "dyad"}
    assert set(k.verbs.monads) <= monads, set(k.verbs.monads) - monads
    assert set(k.verbs.dyads) <= dyads, set(k.verbs.dyads) - dyads
    assert "::" in dyads


def test_every_system_function_and_variable_has_help(k: KlongInterpreter) -> None:
    keys = {h.key for h in ENTRIES}
    system = {name for name in k.globals if name.startswith(".")}
    assert system - keys == set()
    assert {".f", "it", "klong"} <= keys


def test_every_adverb_and_command_has_help() -> None:
    keys = {h.key for h in ENTRIES}
    assert {h.kind for h in ENTRIES} == set(KINDS)
    assert {"'", ":\\", ":/", ":'", "/", ":~", ":*", "\\", "\\~", "\\*"} <= keys
    assert {":>", "\u2207", "\u2202"} <= keys
    assert {"]!", "]a", "]h", "]i", "]l", "]q", "]t", "]b", "]time"} <= keys


@pytest.mark.parametrize("entry", [h for h in ENTRIES if h.examples],
                         ids=lambda h: f"{h.name}")
def test_help_examples_are_true(entry, backend_name: str) -> None:
    for expr, shown in entry.examples:
        k = KlongInterpreter(backend=backend_name)
        assert k.show(k(expr)) == shown, expr


def test_lookup_by_symbol_and_by_name() -> None:
    assert [h.name for h in lookup("+")] == ["Plus", "Transpose"]
    assert [h.key for h in lookup("plus")] == ["+"]
    assert [h.name for h in lookup("Or")] == ["Max/Or"]
    assert [h.name for h in lookup("each-left")] == ["Each-Left"]
    assert [h.name for h in lookup(":~")] == ["Converge", "While"]
    assert lookup(".p")[0].name == "Print"
    assert lookup("no such thing") == []


def test_apropos_searches_names_and_texts() -> None:
    found = {h.key for h in apropos("channel")}
    assert {".ic", ".oc", ".cc", ".tc", ".fc", ".cin"} <= found
    assert "+" not in found
    assert {h.key for h in apropos("GRADIENT")} >= {":>", "\u2207"}


# -- the ] commands -----------------------------------------------------------------

def test_help_command_forms(s: Interaction) -> None:
    plus = s.handle("]h +")
    assert plus.startswith("a+b    Plus (dyad)")
    assert "+a    Transpose (monad)" in plus
    assert s.handle("]h+") == plus                 # the spec's short form
    assert s.handle("]h Plus").startswith("a+b    Plus")
    assert ".p(a)    Print (function)" in s.handle("]h .p")
    every = s.handle("]hall")
    assert s.handle("]h all") == every
    assert all(f"{h.form}  " in every and h.name in every for h in ENTRIES)
    assert max(len(line) for line in every.splitlines()) <= 80  # .cols
    assert "]time" in s.handle("]h")
    assert "no help for 'zzz'" in s.handle("]h zzz")


def test_apropos_command(s: Interaction) -> None:
    out = s.handle("]a channel")
    assert ".ic(a)" in out and "Input-Channel" in out
    assert s.handle("]a qqqq") == "nothing about 'qqqq'"


def test_shell_command_runs_and_reports_status(s: Interaction, tmp_path: Path) -> None:
    assert s.handle(f"]! echo hello > {tmp_path}/f; cat {tmp_path}/f") == "hello"
    assert s.handle("]! echo out; exit 3") == "out\n[exit status 3]"


def test_inventory_lists_kg_files(s: Interaction, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("b.kg", "a.kg", "notes.txt"):
        (tmp_path / name).write_text("1\n")
    assert s.handle(f"]i {tmp_path}") == "a.kg  b.kg"
    monkeypatch.setenv("KLONGPATH", f"{tmp_path}:/nonexistent")
    assert s.handle("]i") == "a.kg  b.kg"
    with pytest.raises(KlongError, match="cannot list"):
        s.handle(f"]i {tmp_path}/missing")


def test_load_command(s: Interaction, tmp_path: Path) -> None:
    prog = tmp_path / "prog.kg"
    prog.write_text("sq::{x*x}\nsq(12)\n")
    assert s.handle(f"]l {prog}") == "144"
    assert s.handle("sq(3)") == "9"
    assert s.handle("it") == "9"
    with pytest.raises(KlongError, match="not found"):
        s.handle(f"]l {tmp_path}/nothing")


def test_quit_command(s: Interaction) -> None:
    with pytest.raises(KlongExit) as e:
        s.handle("]q")
    assert e.value.status == 0


def test_unknown_command(s: Interaction) -> None:
    with pytest.raises(KlongError, match=r"unknown command \]z"):
        s.handle("]z")


def test_transcript(s: Interaction, tmp_path: Path) -> None:
    log = tmp_path / "t.txt"
    assert s.handle(f"]t {log}") == f"transcript: appending to {log}"
    for text in ("1+1", "{x*2}'[1 2]"):
        s.record_input(text)
        s.record_output(s.handle(text))
    s.record_input("]t")
    assert s.handle("]t") == "transcript stopped"
    s.record_input("3")  # not recorded any more
    assert log.read_text() == "\t1+1\n2\n\t{x*2}'[1 2]\n[2 4]\n\t]t\n"


def test_run_command_function(k: KlongInterpreter) -> None:
    assert run_command(k, "1+1") is None
    assert run_command(k, "]h -").startswith("a-b    Minus")


def test_time_command(s: Interaction) -> None:
    out = s.handle("]time +/!1000")
    assert " median of " in out and " runs (min " in out
    runs = int(out.split(" median of ")[1].split()[0])
    assert 3 <= runs <= 1000
    s.handle("c::0")
    out = s.handle("]time c::c+1")
    runs = int(out.split(" median of ")[1].split()[0]) if " median of " in out else 0
    assert s.k.globals["c"] == runs + 1  # the warm-up run, then the timed ones
    with pytest.raises(KlongError) as e:
        s.handle("]time 1+:a")
    assert "^" in e.value.render()


@pytest.mark.parametrize("seconds, shown", [
    (2.5e-7, "250 ns"), (5e-10, "0.5 ns"), (0.0123456, "12.3 ms"), (1.0, "1 s"),
    (9.997e-4, "1 ms"), (9.9996e-7, "1 µs"), (999.96, "1000 s"), (12345.6, "12300 s")])
def test_time_figures_round_before_choosing_the_unit(seconds: float, shown: str) -> None:
    assert _fmt_seconds(seconds) == shown  # never "1e+03 µs" (CI saw one in ]time's min)


def test_backend_listing_and_switching(tmp_path: Path) -> None:
    s = Interaction(KlongInterpreter(backend="numpy"))
    listing = s.handle("]b")
    assert "* numpy" in listing and "active: numpy (cpu)" in listing
    s.handle('a::!5; m::[2 3]:^!6; t::"text"; d:::{[1 [2 3]]}; f::{x*10}; p::{x+y}(1;)')
    s.handle(f'pr::.p; ch::.oc("{tmp_path}/out.txt"); .cc(ch); 0')
    out = s.handle("]b torch cpu")
    assert out == "backend: torch (cpu) (8 variables carried over; not carried: ch)"
    assert s.k.backend.name == "torch"
    import torch
    assert isinstance(s.k.globals["a"], torch.Tensor)
    assert s.handle("f(a)") == "[0 10 20 30 40]"
    assert s.handle("m") == "[[0 1 2]\n [3 4 5]]"  # a matrix prints one row a line
    assert (s.handle("t"), s.handle("d?1")) == ('"text"', "[2 3]")
    assert s.handle("p(2)") == "3"
    assert s.handle("pr") == ":monad" and s.k.globals["pr"] is s.k.globals[".p"]
    assert "* torch" in s.handle("]b")
    with pytest.raises(KlongError, match="unknown backend"):
        s.handle("]b nosuch")
    assert s.k.backend.name == "torch"  # a failed switch keeps the session
    s.handle("]m off")
    assert s.handle("]b numpy").startswith("backend: numpy")
    assert s.handle("m") == "[[0 1 2] [3 4 5]]"  # the layout choice survives the switch


@pytest.mark.parametrize("start", BACKENDS)
def test_a_switch_keeps_every_setting(start: str, backend_name: str) -> None:
    """]b builds the new interpreter with the old one's limits, precision, untrusted
    mode and fast-path choice (issue 20: they were all dropped)."""
    from klong.limits import LimitError, Limits
    old = KlongInterpreter(backend=start, precision=32, untrusted=True, fast_paths=False,
                           limits=Limits(steps=5000, memory=1 << 30))
    s = Interaction(old)
    s.handle("w::2")
    assert s.handle(f"]b {backend_name}").startswith(f"backend: {backend_name}")
    k = s.k
    assert k is not old and k.backend.name == backend_name
    assert (k.guard.limits.steps, k.guard.limits.memory) == (5000, 1 << 30)
    assert str(k.run("1.5+!3").dtype).endswith("float32")
    assert k.untrusted and ".sys" not in k.globals and ".py" not in k.globals
    with pytest.raises(KlongError, match="undefined"):
        s.handle('.sys("true")')
    assert k.fast_paths is False
    with pytest.raises(LimitError):
        s.handle("{1}{x+1}:~0")
    assert s.handle("w") == "2"


def test_module_functions_stay_behind_on_switch() -> None:
    s = Interaction(KlongInterpreter(backend="numpy"))
    s.handle(".module(:m);hidden::5;get::{hidden};.module(0)")
    assert s.handle("get()") == "5"
    out = s.handle("]b numpy")
    assert "get" in out.split("not carried:")[1]


# -- the REPL step ------------------------------------------------------------------

def test_evaluate_binds_it(s: Interaction) -> None:
    assert s.handle("6*7") == "42"
    assert s.handle("it+1") == "43"
    with pytest.raises(KlongError):
        s.handle("1+:a")
    assert s.handle("it") == "43"  # a failed computation leaves it alone


def test_matrix_layout_switches_off_and_on(s: Interaction) -> None:
    assert s.handle("]m").startswith("matrix layout on")
    assert s.handle("[[1 2] [3 4]]") == "[[1 2]\n [3 4]]"
    assert s.handle("]m off").startswith("matrix layout off")
    assert s.handle('[1 [2 3] "a"]') == '[1 [2 3] "a"]'
    assert s.handle("]m on").startswith("matrix layout on")
    assert s.handle("[1 [2 3]]") == "[1\n [2 3]]"
    with pytest.raises(KlongError, match="usage"):
        s.handle("]m sideways")


def test_brief_abbreviates_long_results(k: KlongInterpreter) -> None:
    assert brief(k, k("!5")) == "[0 1 2 3 4]"
    big = brief(k, k("!1000000"))
    assert big.startswith("[0 1 2 ") and big.endswith(" 99 ... (1000000 elements)]")
    mixed = brief(k, k('(!200),"a"'), max_items=3)
    assert mixed == "[0 1 2 ... (201 elements)]"
    matrix = brief(k, k("[500 500]:^!250000"), max_items=2)
    assert matrix == "[[0 1 ... (500 elements)]\n [500 501 ... (500 elements)] ... (500 elements)]"
    text = brief(k, k('1000#"ab"'), max_chars=10)
    assert text == '"ababababa ... (cut at 10 of 1002 characters)'


@pytest.mark.parametrize("text, more", [
    ("{x+", True), ("[1 2", True), (":[1;2", True), ('"open', True), (':"comment', True),
    (":{[1 2]", True), ("f::{x\n+1", True), ("(1+", True),
    ("1+", False), ("1+1", False), ("1)", False), ("{x}", False), ("]h {", False), ("", False),
])
def test_needs_more(text: str, more: bool) -> None:
    assert needs_more(text) is more


def test_history_free_of_side_effects(s: Interaction) -> None:
    """needs_more parses without running: nothing is defined by asking."""
    assert needs_more("zz::{x+")
    assert "zz" not in s.k.globals
    assert not needs_more("zz::1")
    assert "zz" not in s.k.globals


@pytest.mark.skipif(os.name != "posix", reason="uses the shell")
def test_shell_flushes_klong_output_first(tmp_path: Path) -> None:
    k = KlongInterpreter()
    s = Interaction(k)
    out = tmp_path / "o.txt"
    s.handle(f'c::.oc("{out}");.tc(c);.d("before");.tc(0)')
    assert s.handle(f"]! cat {out}") == "before"


def test_channels_return_to_the_standard_ones_after_each_input(s: Interaction, tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    s.handle(f'c::.oc("{out}");.tc(c);.p("to the file")')
    assert s.k.io.to_ch is s.k.io.cout  # reset, as the manual says for interactive mode
    assert not s.k.io.to_ch.closed_flag and not s.k.globals["c"].closed_flag  # nothing closed
    s.handle(".cc(c)")
    assert out.read_text() == "to the file\n"
