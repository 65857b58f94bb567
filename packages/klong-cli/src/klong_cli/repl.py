"""A minimal read-eval-print loop (placeholder: the REPL issue replaces it).

Each line is evaluated and its value printed; errors are reported and the loop
goes on; Ctrl-C abandons the line; ``]q`` or end of input leaves.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from klong import KlongInterpreter

PROMPT = "        "


def repl(k: KlongInterpreter) -> int:
    """Run the loop on interpreter ``k`` until ``]q`` or end of input; return the status."""
    from klong.errors import KlongError, KlongExit

    prompt = PROMPT if sys.stdin.isatty() else ""
    while True:
        try:
            line = input(prompt)
        except EOFError:
            if prompt:
                print()
            return 0
        except KeyboardInterrupt:
            print()
            continue
        if line.strip() == "]q":
            return 0
        if not line.strip():
            continue
        try:
            print(k.show(k(line)))
        except KlongExit as exc:
            return int(exc.status)
        except KlongError as exc:
            print(f"klong: error: {exc.render()}", file=sys.stderr)
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
        except Exception as exc:  # the REPL survives every error
            print(f"klong: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
