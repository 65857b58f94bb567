"""docs/autograd.md is tested: every ``klong`` block is a REPL session whose
inputs are run (through the REPL's own evaluation step) and whose printed
output must be what the page shows.

The text around the numbers must match exactly. On a backend with autograd
the numbers are exact up to the order of floating-point operations (which a
GPU may change: -13.333333333333334 on cuda where the page, made on the cpu,
shows -13.333333333333332), so they must agree to 1e-12; on the others
(numeric differentiation) to 1e-6. Blocks marked ``klong numpy`` show numpy's
own output and run on numpy only, exactly. The page's Python blocks run as one program and
print what their comments say.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from klong import KlongError, KlongInterpreter
from klong.interaction import Interaction
from klong.plugins import list_backends

PAGE = Path(__file__).resolve().parents[3] / "docs" / "autograd.md"
TEXT = PAGE.read_text(encoding="utf-8")
PROMPT = "klong> "
OK = {b.name: b for b in list_backends() if b.status == "ok"}
NUMBER = re.compile(r"-?\d+(?:\.\d*)?(?:e[+-]?\d+)?")


def sessions() -> list[tuple[str, list[tuple[str, str]]]]:
    """(info string, [(input, expected output)]) for each klong block."""
    out = []
    for info, body in re.findall(r"^```(klong[^\n]*)\n(.*?)^```", TEXT, flags=re.S | re.M):
        steps: list[tuple[str, list[str]]] = []
        for line in body.splitlines():
            if line.startswith(PROMPT):
                steps.append((line[len(PROMPT):], []))
            else:
                assert steps, f"output before any input in block {info!r}"
                steps[-1][1].append(line)
        out.append((info, [(src, "\n".join(lines)) for src, lines in steps]))
    return out


SESSIONS = sessions()
CASES = [(name, i) for i, (info, _) in enumerate(SESSIONS) for name in OK
         if info == "klong" or info == f"klong {name}"]


def same(got: str, want: str, tol: float) -> bool:
    """Equal text, numbers within ``tol`` (relative and absolute; 0: exact text)."""
    if not tol:
        return got == want
    if NUMBER.sub("#", got) != NUMBER.sub("#", want):
        return False
    return all(float(a) == pytest.approx(float(b), rel=tol, abs=tol)
               for a, b in zip(NUMBER.findall(got), NUMBER.findall(want)))


def test_the_page_has_examples_for_every_operator() -> None:
    assert len(SESSIONS) >= 8
    sources = " ".join(src for _, steps in SESSIONS for src, _ in steps)
    for op in (":>", "\u2207", "\u2202", ".jacobian", ":>[w b]", "'!50"):
        assert op in sources


@pytest.mark.parametrize("backend,block", CASES, ids=[f"{b}-block{i + 1}" for b, i in CASES])
def test_block(backend: str, block: int) -> None:
    info, steps = SESSIONS[block]
    tol = 0.0 if info != "klong" else 1e-12 if OK[backend].autograd else 1e-6
    session = Interaction(KlongInterpreter(backend=backend))
    for src, want in steps:
        try:
            got = session.handle(src)
        except KlongError as e:
            got = e.render()  # what the REPL prints for an error
        assert same(got, want, tol), f"{PROMPT}{src}\n got: {got}\nwant: {want}"


@pytest.mark.skipif("torch" not in OK, reason="the Python examples use the torch backend")
def test_python_blocks() -> None:
    code = "\n".join(re.findall(r"^```python\n(.*?)^```", TEXT, flags=re.S | re.M))
    expected = [m.strip() for m in re.findall(r"print\(.*\)\s+#\s*(.*)$", code, flags=re.M)]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, f"{PAGE} python blocks", "exec"), {})
    assert out.getvalue().splitlines() == expected
