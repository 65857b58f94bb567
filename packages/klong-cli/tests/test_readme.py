"""Every shell transcript in README.md and docs/*.md (a fenced block of ``$ command``
lines, each followed by its output) is run here and must print exactly what
the page shows. Commands run in a copy of ``examples/`` (outputs they write
stay out of the tree); ``cd DIR && ...`` moves the rest of its block to DIR.
REPL sessions (``klong>`` prompts) are the terminal tests' business (test_repl.py)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.M | re.S)
_CD = re.compile(r"cd (\S+) && (.*)")


def transcripts() -> list[tuple[str, list[tuple[str, str]]]]:
    """(page:line, [(command, expected output)]) for each shell transcript."""
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for m in _FENCE.finditer(text):
            block = m.group(1)
            if not block.startswith("$ ") or "\nklong>" in block:
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
    for needed in ("klong_numpy", "klong_torch"):
        pytest.importorskip(needed)  # the pages show both backends
    shutil.copytree(ROOT / "examples", tmp_path / "examples",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLONG")}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
               NO_COLOR="1", TERM="dumb")
    cwd = tmp_path
    for command, expected in steps:
        m = _CD.fullmatch(command)
        if m:
            cwd, command = cwd / m.group(1), m.group(2)
        r = subprocess.run(["bash", "-c", command + " 2>&1"], cwd=cwd, env=env,
                           capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
        got = "\n".join(line.rstrip() for line in r.stdout.rstrip("\n").split("\n"))
        want = "\n".join(line.rstrip() for line in expected.rstrip("\n").split("\n"))
        assert got == want, f"$ {command}"
