"""I/O channels on real files and the standard streams (spec: SEMANTICS : I/O
CHANNELS and the channel functions), on every installed backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from klong import KlongInterpreter
from klong.errors import KlongError, KlongExit, KlongIncomplete

MIXED = ('[1 -2 2.5 -0.125 1.0e+20 "say ""hi""" "" 0cx 0c" :sym [1 [2 "s" [:t]]] '
         '[[1 2] [3 4]] :{[1 2] ["k" [3 4]] [:s 0cz]} []]')


# -- writing and reading back ------------------------------------------------------

def test_write_then_read_round_trips_mixed_objects(k: KlongInterpreter, here: Path) -> None:
    k(f"o::{MIXED}")
    k('.tc(c::.oc("obj.txt"));.w(o);.tc(0);.cc(c)')
    # written on one line, as the reference writes it (strings quoted, characters 0c)
    assert (here / "obj.txt").read_text() == MIXED
    assert k('.fc(c::.ic("obj.txt"));r::.r();.fc(0);.cc(c);r~o') == 1
    assert k.show(k("r")) == k.show(k("o"))


@pytest.mark.parametrize("obj", ["123", "-7", "3.25", "-1.5e-10", '"a ""quoted"" string"', '""',
                                 "0ca", "0c ", ":symbol", "[]", "[1 2 3]", "[1.5 2.5]",
                                 "[[1 2] [3 4]]", '["ab" "c"]', ":{[1 :one] [:two 2.0]}",
                                 '[1 "two" 0c3 :four [5.0]]'])
def test_each_kind_of_object_round_trips(k: KlongInterpreter, here: Path, obj: str) -> None:
    k(f'o::{obj};.tc(c::.oc("x"));.w(o);.tc(0);.cc(c)')
    assert k('.fc(c::.ic("x"));r::.r();.fc(0);.cc(c);r~o') == 1


def test_several_objects_one_per_line_then_eof(k: KlongInterpreter, here: Path) -> None:
    k('.tc(c::.oc("objs"));{.w(x);.p("")}\'[1 "two" [3 4]];.w(:{[1 2]});.tc(0);.cc(c)')
    assert (here / "objs").read_text() == '1\n"two"\n[3 4]\n:{[1 2]}'
    k('.fc(.ic("objs"))')
    assert [k.show(k(".r()")) for _ in range(5)] == ["1", '"two"', "[3 4]", ":{[1 2]}", ":eof"]
    assert k(".mi()") == 0
    assert k(".mi(0)") == 0  # the spec's .mi(a): a monad, as kg shows it
    assert k.show(k(".mi")) == ":monad"


def test_read_objects_spanning_lines_and_sharing_a_line(k: KlongInterpreter, here: Path) -> None:
    (here / "in").write_text('[1 2\n 3] :{[1\n2]} "multi\nline" 4 5\nrest of line\n')
    k('.fc(.ic("in"))')
    got = [k.show(k(".r()")) for _ in range(5)]
    assert got == ["[1 2 3]", ":{[1 2]}", '"multi\nline"', "4", "5"]
    assert k(".rl()") == "rest of line"
    assert k.show(k(".r()")) == ":eof"


def test_read_of_a_bad_or_truncated_object_names_the_channel(k: KlongInterpreter, here: Path) -> None:
    (here / "bad").write_text(")oops\n")
    (here / "cut").write_text("[1 2\n")
    k('.fc(.ic("bad"))')
    with pytest.raises(KlongError, match=r'\.r: .*"bad"'):
        k(".r()")
    k('.fc(.ic("cut"))')
    with pytest.raises(KlongError, match=r'\.r: incomplete object at end of "cut"') as e:
        k(".r()")
    assert not isinstance(e.value, KlongIncomplete)  # the REPL must not wait for more input


def test_read_line_strips_the_newline_and_then_gives_empty_strings(k: KlongInterpreter, here: Path) -> None:
    (here / "lines").write_text("first\n\nthird, no newline")
    k('.fc(.ic("lines"))')
    assert k(".mi()") == 1
    assert [k(".rl()") for _ in range(3)] == ["first", "", "third, no newline"]
    assert k(".mi()") == 1  # no read past the end has been attempted yet
    assert k(".rl()") == ""  # past the end: an empty string, as the reference gives
    assert k(".mi()") == 0
    assert k(".rl()") == ""
    assert k.show(k(".r()")) == ":eof"  # .r, though, gives :eof


def test_crlf_lines_keep_their_carriage_return(k: KlongInterpreter, here: Path) -> None:
    # files are read as they are (newline=""), so a program sees every byte
    (here / "dos").write_bytes(b"a\r\nb\r\n")
    assert k('.fc(.ic("dos"));.rl()') == "a\r"


def test_spec_cat_type_and_copy(k: KlongInterpreter, here: Path) -> None:
    text = "line one\nline two\n\nlast line\n"
    (here / "src.txt").write_text(text)
    k("cat::{.mi{.p(x);.rl()}:~.rl()}")
    k("type::{.fc(.ic(x));cat()}")
    k("copy::{[of];.tc(of::.oc(y));type(x);.cc(of)}")
    k('copy("src.txt";"dst.txt")')
    assert (here / "dst.txt").read_text() == text
    assert k.show(k(".tc(0)")) == ":outchan.1"  # .cc of the To Channel restored .cout


def test_append_channel_appends_and_output_channel_truncates(k: KlongInterpreter, here: Path) -> None:
    (here / "log").write_text("old\n")
    k('.tc(c::.ac("log"));.p("new");.cc(c)')
    assert (here / "log").read_text() == "old\nnew\n"
    k('.tc(c::.oc("log"));.d("fresh");.cc(c)')
    assert (here / "log").read_text() == "fresh"


def test_print_display_and_write_forms(k: KlongInterpreter, here: Path) -> None:
    k('.tc(c::.oc("f"));.d(0cx);.w(0cx);.d("say ""hi""");.w("say ""hi""");.p("");'
      '.d({x});.w(1%0);.tc(0);.cc(c)')
    assert (here / "f").read_text() == 'x0cxsay "hi""say ""hi"""\n:monad:undefined'


def test_flush_makes_output_visible_before_close(k: KlongInterpreter, here: Path) -> None:
    k('.tc(c::.oc("f"));.d("partial")')
    k(".fl()")
    assert (here / "f").read_text() == "partial"
    k(".tc(0);.cc(c)")


# -- channel selection -----------------------------------------------------------

def test_fc_and_tc_return_the_previous_channel_and_false_restores(k: KlongInterpreter, here: Path) -> None:
    (here / "in").write_text("x\n")
    k('i::.ic("in");o::.oc("out")')
    assert k(".fc(i)") is k(".cin")
    assert k(".fc(0)") is k("i")
    assert k(".fc([])") is k(".cin")
    assert k('.fc("")') is k(".cin")
    assert k(".tc(o)") is k(".cout")
    assert k(".tc(.cerr)") is k("o")
    assert k(".tc(0)") is k(".cerr")
    assert [k.show(k(c)) for c in (".cin", ".cout", ".cerr")] == [":inchan.0", ":outchan.1", ":outchan.2"]


def test_std_channels_print_to_the_process_streams(k: KlongInterpreter, capsys: pytest.CaptureFixture) -> None:
    k('.p("to stdout");.tc(.cerr);.p("to stderr");.tc(0);.d(42)')
    out, err = capsys.readouterr()
    assert (out, err) == ("to stdout\n42", "to stderr\n")


def test_closing_a_std_channel_has_no_effect(k: KlongInterpreter, capsys: pytest.CaptureFixture) -> None:
    assert k(".cc(.cout);.cc(.cerr);.cc(.cin)") == []
    k('.p("still open")')
    assert capsys.readouterr().out == "still open\n"


def test_closing_twice_is_harmless_and_resets_the_current_channel(k: KlongInterpreter, here: Path) -> None:
    k('.tc(c::.oc("f"));.cc(c)')
    assert k(".cc(c)") == []
    assert k(".tc(0)") is k(".cout")  # closing the To Channel fell back to .cout


# -- errors -------------------------------------------------------------------------

def test_missing_file_is_a_klong_error_naming_it(k: KlongInterpreter, here: Path) -> None:
    with pytest.raises(KlongError, match=r'\.ic: cannot open "no-such-file": No such file'):
        k('.ic("no-such-file")')
    with pytest.raises(KlongError, match=r'\.oc: cannot open "no/such/dir/f"'):
        k('.oc("no/such/dir/f")')
    with pytest.raises(KlongError, match=r"\.ac: cannot open"):
        k('.ac("no/such/dir/f")')


def test_closed_channels_are_clear_errors(k: KlongInterpreter, here: Path) -> None:
    k('.tc(c::.oc("f"));.tc(0);.cc(c)')
    with pytest.raises(KlongError, match=r'\.tc: channel "f" is closed'):
        k(".tc(c)")
    assert k(".tc(0)") is k(".cout")  # the failed .tc selected nothing
    k('i::.ic("f");.cc(i)')
    with pytest.raises(KlongError, match=r'\.fc: channel "f" is closed'):
        k(".fc(i)")


def test_wrong_direction_and_wrong_type(k: KlongInterpreter, here: Path) -> None:
    (here / "f").write_text("")
    with pytest.raises(KlongError, match=r"\.tc: an output channel is needed"):
        k('.tc(.ic("f"))')
    with pytest.raises(KlongError, match=r"\.fc: an input channel is needed"):
        k(".fc(.cout)")
    with pytest.raises(KlongError, match=r"\.fc: type error"):
        k(".fc(1)")
    with pytest.raises(KlongError, match=r"\.cc: type error"):
        k('.cc("f")')
    with pytest.raises(KlongError, match=r"\.oc: type error: expected a string"):
        k(".oc(:f)")


# -- the standard streams and process exit (a real `klong` process) --------------------

def test_reading_standard_input(tmp_path: Path, klong_cli) -> None:
    prog = tmp_path / "sum.kg"
    prog.write_text('n::.r();xs::.r();l::.rl();.p(n*+/xs);.p(l);.p(.r());.p(.mi())\n')
    r = klong_cli(str(prog), cwd=tmp_path, stdin='2 [1 2\n3]\n  the rest\n')
    assert (r.returncode, r.stdout, r.stderr) == (0, "12\n  the rest\n:eof\n0\n", "")


def test_cat_copies_standard_input(tmp_path: Path, klong_cli) -> None:
    prog = tmp_path / "cat.kg"
    prog.write_text("cat::{.mi{.p(x);.rl()}:~.rl()}\ncat()\n")
    r = klong_cli(str(prog), cwd=tmp_path, stdin="a\nb b\n\nc\n")
    assert (r.returncode, r.stdout) == (0, "a\nb b\n\nc\n")


def test_exit_flushes_files_and_sets_the_status(tmp_path: Path, klong_cli) -> None:
    prog = tmp_path / "prog.kg"
    prog.write_text('.tc(.oc("result.txt"))\n{.p(x)}\'!1000\n.tc(.ac("log.txt"));.d("done")\n'
                    '.x(3)\n.p("never")\n')
    r = klong_cli(str(prog), cwd=tmp_path)
    assert (r.returncode, r.stdout, r.stderr) == (3, "", "")
    assert (tmp_path / "result.txt").read_text() == "".join(f"{i}\n" for i in range(1000))
    assert (tmp_path / "log.txt").read_text() == "done"


@pytest.mark.parametrize("arg,status", [("0", 0), ("[]", 0), ('""', 0), ("1", 1), ("7", 7),
                                        (":failed", 1), ("1000", 1)])
def test_exit_status(tmp_path: Path, arg: str, status: int, klong_cli) -> None:
    r = klong_cli("-e", f".x({arg})", cwd=tmp_path)
    assert (r.returncode, r.stdout, r.stderr) == (status, "", "")


def test_exit_in_process_raises_klong_exit(k: KlongInterpreter, here: Path) -> None:
    k('.tc(.oc("f"));.d("written")')
    with pytest.raises(KlongExit) as e:
        k("{.x(x)}(5)")  # through a function call: not turned into a Klong error
    assert e.value.status == 5
    assert (here / "f").read_text() == "written"


def test_end_of_program_flushes_open_channels(tmp_path: Path, klong_cli) -> None:
    prog = tmp_path / "prog.kg"
    prog.write_text('.tc(.oc("out.txt"));{.p(x)}\'!500\n')  # never closed, never flushed
    r = klong_cli(str(prog), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out.txt").read_text().splitlines() == [str(i) for i in range(500)]


def test_an_error_leaves_what_was_written_complete(tmp_path: Path, klong_cli) -> None:
    prog = tmp_path / "prog.kg"
    prog.write_text('.tc(.oc("out.txt"));{.p(x)}\'!300\n1+:nonsense\n')
    r = klong_cli(str(prog), cwd=tmp_path)
    assert r.returncode == 1
    assert r.stderr.startswith("klong: error: ") and "Traceback" not in r.stderr
    assert (tmp_path / "out.txt").read_text().splitlines() == [str(i) for i in range(300)]


def test_expression_mode_flushes_at_exit(tmp_path: Path, klong_cli) -> None:
    r = klong_cli("-e", '.tc(.oc("e.txt"));.d("from -e");0', cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "e.txt").read_text() == "from -e"
