"""Every transcript in README.md and docs/*.md is run here and must show exactly
what the page shows.

- A shell transcript (a fenced block of ``$ command`` lines, each followed by
  its output) runs in a copy of ``examples/`` (outputs they write stay out of
  the tree); ``cd DIR && ...`` moves the rest of its block to DIR.
- A REPL transcript (a block that starts ``$ klong ...`` and holds ``klong>``
  prompts) is typed into that command in a pseudo-terminal (pexpect) with
  ``TERM=dumb`` and ``NO_COLOR``, and the whole screen must be the block: the
  banner, each input as echoed (continued lines too) and what it printed.
  Only the figures of a ``]time`` line are free.
- docs/autograd.md's ``klong`` blocks are REPL steps too; test_autograd_docs.py
  (klong-core) runs them through the REPL's evaluation step on every backend.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.M | re.S)
_CD = re.compile(r"cd (\S+) && (.*)")
_REPL = "\nklong>"


def transcripts() -> list[tuple[str, list[tuple[str, str]]]]:
    """(page:line, [(command, expected output)]) for each shell transcript."""
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for m in _FENCE.finditer(text):
            block = m.group(1)
            if not block.startswith("$ ") or _REPL in block:
                continue
            steps: list[tuple[str, str]] = []
            for line in block.rstrip("\n").split("\n"):
                if line.startswith("$ "):
                    steps.append((line[2:], ""))
                else:
                    cmd, out = steps[-1]
                    steps[-1] = (cmd, out + line + "\n")
            where = f"{page.name}:{text[:m.start()].count(chr(10)) + 1}"
            found.append((where, steps))
    return found


TRANSCRIPTS = transcripts()


def test_the_pages_have_transcripts() -> None:
    assert len(TRANSCRIPTS) >= 9


@pytest.mark.parametrize("steps", [s for _, s in TRANSCRIPTS], ids=[w for w, _ in TRANSCRIPTS])
def test_transcript(steps: list[tuple[str, str]], tmp_path: Path) -> None:
    needs_both_backends()
    shutil.copytree(ROOT / "examples", tmp_path / "examples",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build"))
    env = environment()
    cwd = tmp_path
    for command, expected in steps:
        if "--list-backends" in command and installed() != ["numpy", "torch"]:
            pytest.skip(f"the page lists numpy and torch; installed here: {installed()}")
        m = _CD.fullmatch(command)
        if m:
            cwd, command = cwd / m.group(1), m.group(2)
        r = subprocess.run(["bash", "-c", command + " 2>&1"], cwd=cwd, env=env,
                           capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
        got = "\n".join(line.rstrip() for line in r.stdout.rstrip("\n").split("\n"))
        want = "\n".join(line.rstrip() for line in expected.rstrip("\n").split("\n"))
        assert got == want, f"$ {command}"


def needs_both_backends() -> None:
    for needed in ("klong_numpy", "klong_torch"):
        pytest.importorskip(needed)  # the pages show both backends


def installed() -> list[str]:
    from klong.plugins import list_backends
    return [b.name for b in list_backends(devices=False)]


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLONG")}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
               NO_COLOR="1", TERM="dumb", **extra)
    return env


# -- REPL transcripts ---------------------------------------------------------------------

PROMPT = "klong>  "
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_TIMING = re.compile(r"\d+(?:\.\d+)? (?:ns|µs|ms|s)\b|\d+ runs")  # ]time's figures


def repl_transcripts() -> list[tuple[str, str, list[list[str]], str]]:
    """(page:line, command, inputs (each its lines), the screen) for each REPL transcript."""
    from klong.interaction import needs_more

    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for m in _FENCE.finditer(text):
            block = m.group(1)
            if not (block.startswith("$ klong") and _REPL in block):
                continue
            command, screen = block.split("\n", 1)
            inputs: list[list[str]] = []
            for line in screen.split("\n"):
                if line.startswith(PROMPT):
                    inputs.append([line[len(PROMPT):]])
                elif inputs and needs_more("\n".join(inputs[-1])):
                    inputs[-1].append(line)  # a continued line of the same input
            where = f"{page.name}:{text[:m.start()].count(chr(10)) + 1}"
            found.append((where, command[2:], inputs, screen))
    return found


REPL_TRANSCRIPTS = repl_transcripts()


def test_every_klong_prompt_is_in_a_tested_block() -> None:
    """A ``klong>`` line is either in a REPL transcript run here or in one of
    docs/autograd.md's ``klong`` blocks (test_autograd_docs.py)."""
    assert len(REPL_TRANSCRIPTS) >= 2
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for m in re.finditer(r"^```([^\n]*)\n(.*?)^```", text, re.M | re.S):
            info, block = m.group(1), m.group(2)
            if "klong>" not in block:
                continue
            repl = block.startswith("$ klong") and _REPL in block
            autograd = page.name == "autograd.md" and info.split()[:1] == ["klong"]
            assert repl or autograd, f"{page.name}:{text[:m.start()].count(chr(10)) + 1}"


def screen_text(raw: str) -> str:
    return "\n".join(line.rstrip() for line in _ANSI.sub("", raw).replace("\r", "").split("\n"))


@pytest.mark.parametrize("command, inputs, screen", [t[1:] for t in REPL_TRANSCRIPTS],
                         ids=[t[0] for t in REPL_TRANSCRIPTS])
def test_repl_transcript(command: str, inputs: list[list[str]], screen: str,
                         tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    needs_both_backends()
    program, *args = shlex.split(command)
    child = pexpect.spawn(str(Path(sys.executable).with_name(program)), args, cwd=str(tmp_path),
                          env=environment(XDG_DATA_HOME=str(tmp_path), PROMPT_TOOLKIT_NO_CPR="1"),
                          encoding="utf-8", timeout=120, dimensions=(40, 160))
    shown = ""
    for lines in inputs:
        child.expect_exact(PROMPT)
        shown += child.before + PROMPT
        child.waitnoecho()  # the line editor has the terminal: what is typed shows once
        for line in lines:
            child.sendline(line)
    child.expect(pexpect.EOF)  # the last input leaves (]q)
    shown += child.before
    child.close()
    got, want = screen_text(shown).rstrip("\n"), screen.rstrip("\n")
    assert _TIMING.sub("#", got) == _TIMING.sub("#", want)
    assert child.exitstatus == 0
