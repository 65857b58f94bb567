"""Random programs for the reference tables: small well-formed Klong programs
(definitions, then an expression) from a fixed grammar and seed, so that
``regen.py tables`` writes the same ``cases/random.tsv`` (kg's outputs) every
time and ``test_reference_tables.py`` compares ours with it on every backend.

The grammar leaves out what cannot agree by design or cannot end quickly:
grading (kg's is not stable), random numbers, big integers (kg takes some for
0), converge and while (a loop may never end), and large counts."""

from __future__ import annotations

import random
from typing import Iterator

SEED = 20261126
COUNT = 2000

ATOMS = ["1", "0", "-1", "2", "3", "2.5", "-0.5", "0ca", '"abc"', '""', "[]", ":foo", "[1 2 3]",
         "[1.5 2]", "[[1 2] [3 4]]", '["a" "bc"]', '[1 [2 3] "x"]', "!4", "!0", "[0ca 0cb]",
         "[:a :b]", "[3 1 2]", '"hello"', "[1 2.0]", "[-2 5]", "[0 1 0]", "[[1] [2 3]]",
         ":{[1 2]}"]
MONADS = ["+", "-", "*", "%", "&", "|", "=", "~", "$", "@", "#", ",", "^", "!", "?", "_", ":#", ":_"]
DYADS = ["+", "-", "*", "%", "^", ":%", "!", "&", "|", "<", ">", "=", "~", ",", "#", "_", "?",
         "@", ":@", ":=", ":-", ":_", ":#", ":^", ":+", "$", ":$"]
MONAD_FNS = ["{x}", "{x+1}", "{x,x}", "{#x}", "{x*2}", "{-x}", "{*x}", "{|x}", "{1_x}", "{x=0}"]
DYAD_FNS = ["{x+y}", "{x,y}", "{y}", "{x|y}", "{x~y}", "{x<y}", "{y,x}", "{x-y}", "{x;y}"]
FOLDS = ["/", "\\", ":'"]
#: half the programs compute on numbers only, where most operators have a value
NUM_ATOMS = ["1", "0", "-1", "2", "3", "2.5", "-0.5", "[1 2 3]", "[1.5 2]", "[3 1 2]", "[-2 5]",
             "[0 1 0]", "!4", "[1 2.0]", "[[1 2] [3 4]]", "[4 5 6]", "[2 0 1]"]
NUM_MONADS = ["-", "*", "#", ",", "|", "~", "=", "_", "!", "&", "-", "#", "|", "*", "%"]
NUM_DYADS = ["+", "-", "*", "|", "&", "<", ">", "=", "~", ",", "#", "_", "@", "+", "*", ",", "-",
             "^", "%", "!", ":%", "?"]
DYAD_ADVERBS = ["'", "/", "\\", ":\\", ":/"]
ITERATE = [":*", "\\*"]


class _Grammar:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.kinds = (ATOMS, MONADS, DYADS)
        self.atoms = ATOMS

    def pick(self, xs: list[str]) -> str:
        return self.rng.choice(xs)

    def expr(self, depth: int = 0) -> str:
        r = self.rng.random()
        _, monads, dyads = self.kinds
        if depth >= 3 or r < 0.3:
            return self.pick(self.atoms)
        sub = self.expr(depth + 1)
        if r < 0.45:
            return f"{self.pick(monads)}{sub}"
        if r < 0.7:
            return f"({self.expr(depth + 1)}){self.pick(dyads)}{sub}"
        if r < 0.75:
            return f"{self.pick(monads[:8] + MONAD_FNS)}'{sub}"
        if r < 0.8:
            return f"{self.pick(dyads[:12] + DYAD_FNS)}{self.pick(FOLDS)}{sub}"
        if r < 0.88:
            verb = self.pick(dyads[:12] + DYAD_FNS)
            return f"({self.expr(depth + 1)}){verb}{self.pick(DYAD_ADVERBS)}{sub}"
        if r < 0.93:
            return f"{self.rng.randint(0, 3)}{self.pick(MONAD_FNS)}{self.pick(ITERATE)}{sub}"
        if r < 0.97:
            return f":[{self.expr(depth + 1)};{self.expr(depth + 1)};{sub}]"
        return f"{self.pick(DYAD_FNS)}({self.expr(depth + 1)};{sub})"

    def program(self) -> str:
        """Two definitions, then an expression; each part may use the names defined before it."""
        parts = []
        self.kinds = (NUM_ATOMS, NUM_MONADS, NUM_DYADS) if self.rng.random() < 0.5 else (ATOMS, MONADS, DYADS)
        for name in ("a", "b", ""):
            self.atoms = self.kinds[0] + [n for n in "ab" if n < (name or "c")]
            parts.append(f"{name}::{self.expr(1)}" if name else self.expr())
        return ";".join(parts)


def programs() -> Iterator[str]:
    """COUNT programs, the same ones every time."""
    g = _Grammar(random.Random(SEED))
    for _ in range(COUNT):
        yield g.program()
