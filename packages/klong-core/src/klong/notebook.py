"""Klong in IPython and Jupyter: ``%load_ext klong``.

``%klong EXPR`` runs one line and ``%%klong`` a cell, on one interpreter per
notebook, which the notebook's namespace holds as ``klong`` (so Python moves
values in and out with ``klong["x"] = array`` and ``klong["y"]``). Options,
alone or before a cell: ``--backend NAME`` and ``--device DEV`` switch that
interpreter, carrying its variables over as ``]b`` does. ``]`` commands
(``]h +``, ``]time ...``) work in both magics. Results show as Klong prints
them (:class:`KlongValue`: a matrix as an HTML table, long lists summarised);
errors show as the command line shows them, line and caret, no Python frames.

This module imports IPython; ``import klong`` does not import it (the
extension hook in ``klong/__init__.py`` imports this module when asked to).
"""

from __future__ import annotations

import html
from typing import Any

from IPython.core.magic import Magics, line_cell_magic, magics_class

from .errors import KlongError
from .interaction import MAX_ITEMS, Interaction, brief
from .interpreter import KlongInterpreter
from .limits import interrupts_stop

MAX_ROWS = 50   # rows of a matrix shown as a table
MAX_COLS = 20


class KlongValue:
    """A Klong value for IPython's display: text as the REPL prints it, HTML with
    a matrix as a table and long lists cut. ``value`` is the Python value."""

    def __init__(self, k: KlongInterpreter, value: Any):
        self.k = k
        self.klong_value = value

    @property
    def value(self) -> Any:
        return self.k.to_python(self.klong_value)

    def __repr__(self) -> str:
        return brief(self.k, self.klong_value)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(repr(self))

    def _repr_html_(self) -> str:
        return to_html(self.k, self.klong_value)


def to_html(k: KlongInterpreter, v: Any) -> str:
    """A matrix as a table (at most MAX_ROWS x MAX_COLS cells, then a note);
    anything else as the text the REPL prints, preformatted."""
    if isinstance(v, k.backend.array_type) and v.ndim == 2:
        rows, cols = v.shape
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(k.show(x))}</td>"
                             for x in k.verbs.elems(row)[:MAX_COLS])
            + ("<td>…</td>" if cols > MAX_COLS else "") + "</tr>"
            for row in k.verbs.elems(v[:MAX_ROWS]))
        note = f"<caption>{rows}×{cols}" + (", cut" if rows > MAX_ROWS or cols > MAX_COLS
                                             else "") + "</caption>"
        return f"<table class='klong-matrix'>{note}{body}</table>"
    return f"<pre>{html.escape(brief(k, v, MAX_ITEMS))}</pre>"


@magics_class
class KlongMagics(Magics):
    """``%klong`` and ``%%klong`` on one :class:`Interaction` per shell."""

    def __init__(self, shell: Any):
        super().__init__(shell)
        self.session: Interaction | None = None

    def interpreter(self, backend: str | None = None, device: str | None = None) -> KlongInterpreter:
        """The notebook's interpreter, made on first use or switched by options."""
        if self.session is None:
            self.session = Interaction(KlongInterpreter(backend=backend, device=device))
        elif backend is not None or device is not None:
            k = self.session.k
            wanted = (backend or k.backend.name, device)
            if wanted[0] != k.backend.name or (device is not None and device != k.backend.device):
                print(self.session.switch_backend(*wanted))
        self.shell.user_ns["klong"] = self.session.k
        return self.session.k

    @line_cell_magic
    def klong(self, line: str, cell: str | None = None) -> KlongValue | None:
        """Run Klong: ``%klong EXPR`` or a ``%%klong`` cell; options ``--backend NAME``
        and ``--device DEV`` (alone, or before a cell) switch the interpreter."""
        options, source = _options(line)
        if cell is not None:
            source = cell
        self.interpreter(options.get("--backend"), options.get("--device"))
        if not source.strip():
            return None
        return run_cell(self.session, source)


def run_cell(session: Interaction, source: str) -> KlongValue | None:
    """Run a cell: ``]`` commands print their answer; Klong source returns its value
    (``it``). Ctrl-C (a kernel interrupt) becomes the error "interrupted"."""
    k = session.k
    try:
        with interrupts_stop(k):
            if session.is_command(source):
                print(session.run_command(source))
                return None
            return KlongValue(k, session.run(source))
    except KeyboardInterrupt:
        raise KlongError("interrupted") from None
    finally:
        k.io.flush_all()


def _options(line: str) -> tuple[dict[str, str], str]:
    """Leading ``--backend NAME`` / ``--device DEV`` of a magic line, and the rest."""
    options: dict[str, str] = {}
    rest = line.strip()
    while True:
        words = rest.split(None, 2)
        if not words or words[0] not in ("--backend", "--device"):
            return options, rest
        if len(words) < 2:
            raise KlongError(f"{words[0]} needs a value")
        options[words[0]] = words[1]
        rest = words[2] if len(words) > 2 else ""


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext klong``."""
    magics = KlongMagics(ipython)
    ipython.register_magics(magics)
    magics.interpreter()
