"""The text model: a character is a byte, as in the reference interpreter
(klong/text.py), and the reference's syntax the author's library relies on."""

from __future__ import annotations

from pathlib import Path

from klong import KlongInterpreter
from klong.errors import KlongError
from klong.interaction import Interaction


def test_a_file_that_is_not_utf8_loads(k: KlongInterpreter, here: Path) -> None:
    (here / "latin.kg").write_bytes(b':"caf\xe9: a Latin-1 comment"\ns::"\xe9t\xe9"\nn::#s\n')
    k('.l("latin")')
    assert k("n") == 3
    assert k("#s@0") == 0xE9


def test_utf8_text_in_a_file_is_its_bytes(k: KlongInterpreter, here: Path) -> None:
    (here / "u.kg").write_text('s::"é∇"\n', encoding="utf-8")
    k('.l("u")')
    assert k("#s") == 5  # 2 bytes for é, 3 for ∇, as the reference counts
    k('.tc(c::.oc("out"));.d(s);.d(:#200);.tc(0);.cc(c)')
    assert (here / "out").read_bytes() == "é∇".encode("utf-8") + b"\xc8"  # 128-255: one byte


def test_nabla_and_partial_lex_as_bytes_and_as_characters(k: KlongInterpreter, here: Path) -> None:
    (here / "g.kg").write_text("f::{x^2}\nd::[1.0 2.0]∂f\n", encoding="utf-8")
    k('.l("g")')
    assert k.show(k("d")) == k.show(k("[1.0 2.0]∂f"))


def test_reading_a_channel_gives_bytes(k: KlongInterpreter, here: Path) -> None:
    (here / "in").write_bytes(b"\xff\xfe\n")
    assert k('.fc(.ic("in"));#\'.rl()') is not None
    assert list(k.to_python(k('.fc(.ic("in"));#\'.rl()'))) == [255, 254]


def test_the_repl_turns_typed_text_into_bytes_and_back(k: KlongInterpreter) -> None:
    s = Interaction(k)
    assert s.handle('#"é"') == "2"
    assert s.handle('"é"') == '"é"'
    assert s.handle("3∇{x*x}")[:3] == "6.0"


def test_an_error_caret_counts_what_the_terminal_shows(k: KlongInterpreter) -> None:
    s = Interaction(k)
    try:
        s.handle('"é"+:a')
    except KlongError as e:
        lines = e.render().split("\n")
        assert lines[1] == '  "é"+:a' and lines[2].index("^") == 2 + 3
    else:
        raise AssertionError("no error")


def test_locals_separated_by_semicolons_or_commas(k: KlongInterpreter) -> None:
    assert k("{[a;b];a::1;b::2;a+b}()") == 3
    assert k("{[a,b];a::1;b::2;a+b}()") == 3
    assert k("{[a b];a::1;b::2;a+b}()") == 3
    assert k.show(k("{[a b]}()")) == "[:a :b]"  # no ';' after it: a list, not locals
    assert k("a::5;{[a;b];a::1;a}();a") == 5


def test_helpdb_is_predefined_empty(k: KlongInterpreter) -> None:
    assert k(".helpdb") == []
