"""The REPL, driven for real in a pseudo-terminal (pexpect), and the
non-terminal behaviour of the same command.

Every test starts ``python -m klong_cli`` in its own pty with its own
``XDG_DATA_HOME``, types as a person would and reads what the terminal shows.
Expected texts are chosen so that they cannot be matched by the echo of what
was typed (``a::6`` then ``a*7`` and wait for ``42``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

PROMPT = "klong>  "
CONT = "   ..."
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def environment(tmp_path: Path, color: bool = False, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KLONG_", "NO_COLOR"))}
    env.update(TERM="xterm", XDG_DATA_HOME=str(tmp_path / "data"),
               # pexpect's terminal does not answer cursor-position requests
               PROMPT_TOOLKIT_NO_CPR="1")
    if not color:
        env["NO_COLOR"] = "1"
    env.update(extra)
    return env


def start(tmp_path: Path, *args: str, color: bool = False, **extra: str):
    child = pexpect.spawn(sys.executable, ["-m", "klong_cli", *args], cwd=str(tmp_path),
                          env=environment(tmp_path, color, **extra), encoding="utf-8",
                          timeout=60, dimensions=(40, 160))
    child.expect(PROMPT)
    return child


def ask(child, line: str, *expected: str) -> str:
    """Type ``line`` and Enter; wait for each expected pattern in turn, then
    for the next prompt; return what was shown before that prompt, without
    terminal escapes."""
    child.sendline(line)
    shown = ""
    for pattern in expected:
        child.expect(pattern)
        shown += child.before + child.after
    child.expect(PROMPT)
    return ANSI.sub("", shown + child.before)


def finish(child, status: int = 0) -> None:
    child.sendline("]q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == status


@pytest.fixture
def prog(tmp_path: Path) -> Path:
    p = tmp_path / "prog.kg"
    p.write_text('sq::{x*x}\n.p("loaded")\n')
    return p


def test_banner_expressions_and_it(tmp_path: Path) -> None:
    child = start(tmp_path, "--backend", "numpy")
    banner = ANSI.sub("", child.before)
    assert "Klong 0.1.0" in banner and "backend: numpy (cpu)" in banner
    assert "]h" in banner and "]q" in banner
    ask(child, "a::6")
    ask(child, "a*7", "42")
    ask(child, "it+100", "142")
    ask(child, "2*1+!5", r"\[2 4 6 8 10\]")
    finish(child)


def test_multiline_input_continues_while_open(tmp_path: Path) -> None:
    child = start(tmp_path)
    child.sendline("g::{x+")
    child.expect(CONT)
    child.sendline("1}")
    child.expect(":monad")
    child.expect(PROMPT)
    child.sendline(":[0;")
    child.expect(CONT)
    child.sendline(":zero;")
    child.expect(CONT)
    child.sendline(":other]")
    child.expect(":other")
    child.expect(PROMPT)
    child.sendline('s::"two')
    child.expect(CONT)
    child.sendline('lines"')
    child.expect(PROMPT)
    ask(child, "#s", "9")
    ask(child, "g(41)", "42")
    finish(child)


def test_error_shows_caret_and_session_goes_on(tmp_path: Path) -> None:
    child = start(tmp_path)
    ask(child, "v::6")
    shown = ask(child, "1+:sym", "error: ")
    child_lines = shown.replace("\r", "").split("\n")
    assert "  1+:sym" in child_lines
    assert child_lines[child_lines.index("  1+:sym") + 1] == "   ^"
    assert "Traceback" not in shown
    ask(child, "v*7", "42")
    ask(child, "undefinedname", "undefined: undefinedname")
    ask(child, "v*8", "48")
    finish(child)


def test_ctrl_c_interrupts_a_running_loop(tmp_path: Path) -> None:
    child = start(tmp_path)
    ask(child, "kept::6")
    child.sendline('.p("run","ning");{1}{x+1}:~0')  # a While loop that never ends
    child.expect("running")
    time.sleep(0.5)
    child.sendintr()
    child.expect("interrupted")
    child.expect(PROMPT)
    ask(child, "kept*7", "42")
    child.sendline("{x;x+1}'!10000000")  # Ctrl-C inside an adverb's loop too (about 5 s long;
    # two statements: {x+1}'v would be one array operation)
    time.sleep(1.0)
    child.sendintr()
    child.expect("interrupted")
    child.expect(PROMPT)
    ask(child, "kept*8", "48")
    finish(child)


def test_ctrl_c_at_the_prompt_and_ctrl_d_leaves(tmp_path: Path) -> None:
    child = start(tmp_path)
    child.send("1+garbage")
    child.sendintr()  # abandons the line
    child.expect(PROMPT)
    ask(child, "3*14", "42")
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_exit_status_of_dot_x(tmp_path: Path) -> None:
    child = start(tmp_path)
    child.sendline(".x(3)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 3


def test_history_persists_across_sessions(tmp_path: Path) -> None:
    child = start(tmp_path)
    ask(child, "hist::6*7", "42")
    ask(child, "other::1")
    finish(child)
    saved = (tmp_path / "data" / "klong" / "history").read_text()
    assert "+hist::6*7" in saved and "+other::1" in saved

    child = start(tmp_path)
    for _ in range(10):           # Up until the line shows (past ]q and other::1);
        child.send("\x1b[A")      # prompt_toolkit reads the file in a thread
        # the screen is redrawn by differences: only "6*7" is sure to be written
        if child.expect([r"6\*7", pexpect.TIMEOUT], timeout=1) == 0:
            break
    else:
        pytest.fail("the history of the first session was not offered")
    child.sendline("")
    child.expect("42")
    child.expect(PROMPT)
    child.send("\x12hist::")     # Ctrl-R, reverse search
    child.sendline("")           # Enter leaves the search with the line found
    child.sendline("")           # Enter runs it
    child.expect("42")
    child.expect(PROMPT)
    finish(child)


def test_backend_switch_in_session(tmp_path: Path) -> None:
    child = start(tmp_path, "--backend", "numpy")
    ask(child, "v::!4")
    ask(child, "f::{x*10}")
    ask(child, "]b torch", r"backend: torch \(cpu\)")
    listing = ask(child, "]b", "active: torch")
    assert "* torch" in listing
    ask(child, "f(v)", r"\[0 10 20 30\]")
    finish(child)

    child = start(tmp_path, "--backend", "torch")
    assert "backend: torch (cpu)" in ANSI.sub("", child.before)
    finish(child)


def test_tab_completion_and_typing_helpers(tmp_path: Path) -> None:
    child = start(tmp_path)
    ask(child, "longname::6")
    child.send("longn\t")
    child.sendline("*7")
    child.expect("42")
    child.expect(PROMPT)
    child.send("3\\nab\t")             # \nabla + Tab -> the nabla operator
    child.sendline("{x^2}")
    child.expect(r"5\.99999|6\.0")
    child.expect(PROMPT)
    child.send("[1.0 2.0]\x18p")        # Ctrl-X p -> the partial operator
    child.sendline("{+/x^2}")
    child.expect(r"\[\[2\.0")
    child.expect(PROMPT)
    child.send("]ti\t")                 # ] commands complete too
    child.sendline(" 6*7")
    child.expect("median of")
    child.expect(PROMPT)
    finish(child)


def test_help_load_transcript_and_long_results(tmp_path: Path, prog: Path) -> None:
    child = start(tmp_path, "-l", str(prog))
    assert "loaded" in ANSI.sub("", child.before)   # -l FILE ran before the prompt
    ask(child, "sq(12)", "144")
    ask(child, "]h Plus", r"a\+b    Plus \(dyad\)")
    log = tmp_path / "session.txt"
    ask(child, f"]t {log}", "transcript: appending")
    ask(child, "sq(5)", "25")
    ask(child, "]t", "transcript stopped")
    ask(child, "!100000", r"\.\.\. \(100000 elements\)\]")
    ask(child, "]l prog", "loaded")
    finish(child)
    assert log.read_text() == "\tsq(5)\n25\n\t]t\n"


def test_load_error_still_starts_the_session(tmp_path: Path) -> None:
    bad = tmp_path / "bad.kg"
    bad.write_text("ok::1\n1+:x\n")
    child = start(tmp_path, "-l", str(bad))
    assert "bad.kg:2:" in ANSI.sub("", child.before)
    ask(child, "ok+41", "42")
    finish(child)


def test_colours_on_a_terminal_and_no_color(tmp_path: Path) -> None:
    child = start(tmp_path, color=True)
    assert "\x1b[36m" in child.before          # the banner, in cyan
    child.sendline("1+:a")
    child.expect(r"\x1b\[1;31merror: ")      # errors in bold red
    child.expect(PROMPT)
    finish(child)

    child = start(tmp_path, color=False)      # NO_COLOR=1
    assert "\x1b[36m" not in child.before
    child.sendline("1+:a")
    child.expect("error: ")
    child.expect(PROMPT)
    assert "31m" not in child.before
    finish(child)


def test_time_shows_progress_on_a_terminal(tmp_path: Path) -> None:
    child = start(tmp_path)
    child.sendline("]time +/!1000")
    child.expect("timing")                     # rich's progress bar
    child.expect("median of")
    child.expect(PROMPT)
    finish(child)


# -- without a terminal ----------------------------------------------------------------

def run(args: list[str], stdin: str, tmp_path: Path, **extra: str) -> subprocess.CompletedProcess:
    env = environment(tmp_path, **extra)
    return subprocess.run([sys.executable, "-m", "klong_cli", *args], input=stdin, text=True,
                          capture_output=True, env=env, cwd=tmp_path, timeout=120)


def test_piped_stdin_is_a_program_not_a_session(tmp_path: Path) -> None:
    r = run([], 'a::6\n.p(a*7)\na*100\n', tmp_path)
    assert (r.returncode, r.stdout, r.stderr) == (0, "42\n", "")


def test_load_with_piped_input_is_a_plain_session(tmp_path: Path, prog: Path) -> None:
    r = run(["-l", str(prog)], "sq(5)\n{x+\n1}(2)\n1+:a\nsq(2)\n]h -\n]q\nsq(9)\n", tmp_path)
    assert r.returncode == 0
    lines = r.stdout.split("\n")
    assert lines[:4] == ["loaded", "25", "3", "4"]
    assert lines[4].startswith("a-b    Minus (dyad)")
    assert "81" not in lines                   # ]q ended the session
    assert "\x1b" not in r.stdout + r.stderr   # no colour, no prompt, no banner
    assert "Klong 0.1.0" not in r.stdout + r.stderr
    assert r.stderr == "klong: error: +: type error: integer and symbol\n  1+:a\n   ^\n"


def test_plain_session_reports_unfinished_input(tmp_path: Path, prog: Path) -> None:
    r = run(["-l", str(prog)], "[1 2\n", tmp_path)
    assert r.returncode == 0
    assert r.stderr.startswith("klong: error: ") and "Traceback" not in r.stderr


def test_history_location_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from klong_cli.repl import history_path
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert history_path() == tmp_path / "klong" / "history"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert history_path() == tmp_path / "home" / ".local" / "share" / "klong" / "history"


def test_output_redirected_from_a_terminal_holds_only_results(tmp_path: Path) -> None:
    """``klong > file`` typed at a terminal: prompts on stderr, results in the file."""
    out = tmp_path / "out.txt"
    child = pexpect.spawn("/bin/sh", ["-c", f'"{sys.executable}" -m klong_cli > "{out}"'],
                          cwd=str(tmp_path), env=environment(tmp_path), encoding="utf-8",
                          timeout=60)
    child.expect(PROMPT)
    child.sendline("6*7")
    child.expect(PROMPT)
    child.sendline("[1")
    child.expect(CONT)
    child.sendline("2]")
    child.expect(PROMPT)
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert out.read_text() == "42\n[1 2]\n"
