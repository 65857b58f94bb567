"""The plain REPL of a core-only install (klong/command.py) on a real terminal:
stdlib readline gives it line editing and this session's history."""

from __future__ import annotations

import sys

import pytest

pexpect = pytest.importorskip("pexpect")
pytest.importorskip("readline")

CODE = ("import sys; from klong import KlongInterpreter; from klong.command import _basic_repl; "
        "sys.exit(_basic_repl(KlongInterpreter(), None))")
UP, LEFT = "\x1b[A", "\x1b[D"


def test_history_and_editing() -> None:
    child = pexpect.spawn(sys.executable, ["-c", CODE], env={"TERM": "dumb", "PATH": ""},
                          encoding="utf-8", timeout=60)
    try:
        child.expect("]q to quit")
        child.send("6*7\r")
        child.expect("42")
        child.send(UP + "\r")  # the previous line, recalled
        child.expect("42")
        child.send(UP + LEFT + "1\r")  # recalled and edited: 6*17
        child.expect("102")
        child.send("]q\r")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
