"""A Jupyter kernel for Klong (needs the ``jupyter`` extra: ipykernel).

    python -m klong_cli.kernel install [--user | --sys-prefix | --prefix DIR]
                                       [--backend NAME] [--device DEV]

registers the kernel "Klong" with Jupyter; a notebook then starts it as
``python -m klong_cli.kernel -f CONNECTION_FILE``. Cells are Klong source or
``]`` commands, run on one interpreter (an :class:`Interaction`, as in the REPL);
values show as the REPL prints them (a matrix also as an HTML table), errors
as the REPL shows them. Completion is the REPL's (:mod:`klong_cli.completion`),
help (Shift-Tab, ``?``) comes from :mod:`klong.helptext`. An interrupt stops
the running cell and keeps the kernel and its variables.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
import tempfile
from typing import Any, Sequence

from ipykernel.kernelbase import Kernel

from klong import KlongError, KlongInterpreter, helptext
from klong.errors import KlongExit
from klong.interaction import Interaction, needs_more
from klong.notebook import KlongValue, run_cell
from klong_cli import __version__

_WORD = re.compile(r"[A-Za-z.][A-Za-z0-9.`]*")


class KlongKernel(Kernel):
    """Klong behind Jupyter's messaging protocol (ipykernel does the protocol)."""

    implementation = "klong"
    implementation_version = __version__
    language = "klong"
    language_version = __version__
    language_info = {"name": "klong", "mimetype": "text/x-klong", "file_extension": ".kg",
                     "pygments_lexer": "text"}
    banner = f"Klong {__version__}: ]h for help"
    help_links = [{"text": "Klong for Python", "url": "https://github.com/klong-python/klong"}]

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self._interrupted = False
        k = KlongInterpreter(backend=os.environ.get("KLONG_BACKEND") or None,
                             device=os.environ.get("KLONG_DEVICE") or None)
        self.klong = Interaction(k)

    def pre_handler_hook(self) -> None:
        """While a request is handled, an interrupt outside Klong's own run (after
        ``execute_input`` went out, before the cell's Klong starts) is remembered
        rather than raised: ipykernel would swallow that KeyboardInterrupt and
        send the cell no reply."""
        self._interrupted = False
        self.saved_sigint_handler = signal.signal(signal.SIGINT, self._interrupt_outside_klong)

    def _interrupt_outside_klong(self, signum: int, frame: Any) -> None:
        self._interrupted = True

    def set_parent(self, ident: Any, parent: dict, channel: str = "shell") -> None:
        """Output written while a cell runs (``.p``, ``.d``) belongs to that cell."""
        super().set_parent(ident, parent, channel)
        if channel == "shell":
            for stream in (sys.stdout, sys.stderr):
                if hasattr(stream, "set_parent"):
                    stream.set_parent(parent)

    async def do_execute(self, code: str, silent: bool, store_history: bool = True,
                         user_expressions: dict | None = None, allow_stdin: bool = False,
                         **kwargs: Any) -> dict:
        if not code.strip():
            return self._ok()
        if self._interrupted:
            return self._error("KlongError", "interrupted", ["error: interrupted"], silent)
        try:
            value = run_cell(self.klong, code)
        except KlongError as e:
            return self._error("KlongError", e.message, e._render_traceback_(), silent)
        except KlongExit:  # ]q or .x: a notebook's kernel ends from its menu
            return self._error("KlongExit", "the kernel keeps running",
                               ["error: ]q and .x do not end a kernel; use Kernel > Shut Down"],
                               silent)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        if value is not None and not silent:
            self.send_response(self.iopub_socket, "execute_result", {
                "execution_count": self.execution_count, "data": _bundle(value), "metadata": {}})
        return self._ok()

    def _ok(self) -> dict:
        return {"status": "ok", "execution_count": self.execution_count,
                "payload": [], "user_expressions": {}}

    def _error(self, ename: str, evalue: str, lines: list[str], silent: bool) -> dict:
        content = {"ename": ename, "evalue": evalue, "traceback": lines}
        if not silent:
            self.send_response(self.iopub_socket, "error", content)
        return {"status": "error", "execution_count": self.execution_count, **content}

    async def do_complete(self, code: str, cursor_pos: int) -> dict:
        from prompt_toolkit.completion import CompleteEvent
        from prompt_toolkit.document import Document

        from klong_cli.completion import KlongCompleter

        found = list(KlongCompleter(self.klong).get_completions(
            Document(code, cursor_pos), CompleteEvent(completion_requested=True)))
        start = cursor_pos + (found[0].start_position if found else 0)
        matches = [c.text for c in found if cursor_pos + c.start_position == start]
        return {"status": "ok", "matches": matches, "cursor_start": start,
                "cursor_end": cursor_pos, "metadata": {}}

    async def do_inspect(self, code: str, cursor_pos: int, detail_level: int = 0,
                         omit_sections: Any = ()) -> dict:
        topic = _topic_at(code, cursor_pos)
        text = self.klong.help(topic) if topic and helptext.lookup(topic) else ""
        return {"status": "ok", "found": bool(text), "data": {"text/plain": text} if text else {},
                "metadata": {}}

    async def do_is_complete(self, code: str) -> dict:
        return {"status": "incomplete", "indent": ""} if needs_more(code) else {"status": "complete"}


def _bundle(value: KlongValue) -> dict:
    return {"text/plain": repr(value), "text/html": value._repr_html_()}


def _topic_at(code: str, pos: int) -> str:
    """The name or operator at the cursor (or just before it): what ``]h`` would take."""
    for m in _WORD.finditer(code):
        if m.start() <= pos <= m.end():
            return m.group()
    for at in (pos - 1, pos):  # an operator: two characters if they name one, else one
        for width in (2, 1):
            piece = code[max(at, 0):max(at, 0) + width].strip()
            if piece and helptext.lookup(piece):
                return piece
    return ""


# -- installing the kernel spec -------------------------------------------------------

def kernel_spec(backend: str | None = None, device: str | None = None) -> dict:
    """The kernel.json Jupyter reads: how to start this kernel, with which backend."""
    env = {name: value for name, value in (("KLONG_BACKEND", backend), ("KLONG_DEVICE", device))
           if value}
    return {"argv": [sys.executable, "-m", "klong_cli.kernel", "-f", "{connection_file}"],
            "display_name": "Klong" + (f" ({backend})" if backend else ""),
            "language": "klong", "interrupt_mode": "signal", "env": env,
            "metadata": {"debugger": False}}


def install(user: bool = False, prefix: str | None = None, backend: str | None = None,
            device: str | None = None, name: str = "klong") -> str:
    """Register the kernel with Jupyter; return the folder it was written to."""
    from jupyter_client.kernelspec import KernelSpecManager

    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "kernel.json"), "w", encoding="utf-8") as f:
            json.dump(kernel_spec(backend, device), f, indent=1)
        return KernelSpecManager().install_kernel_spec(tmp, name, user=user, prefix=prefix)


def main(argv: Sequence[str] | None = None) -> int:
    """``install`` registers the kernel; anything else starts it (Jupyter's ``-f FILE``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] != ["install"]:
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=args, kernel_class=KlongKernel)
        return 0
    p = argparse.ArgumentParser(prog="python -m klong_cli.kernel install",
                                description="Register the Klong kernel with Jupyter.")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true", help="for this user only")
    where.add_argument("--sys-prefix", action="store_true",
                       help="in this Python environment (a virtualenv or conda env)")
    where.add_argument("--prefix", metavar="DIR", help="under DIR/share/jupyter/kernels")
    p.add_argument("--backend", metavar="NAME", help="the kernel's backend (default: as klong)")
    p.add_argument("--device", metavar="DEV", help="the kernel's device")
    p.add_argument("--name", default="klong", help="the kernel's name (default: klong)")
    ns = p.parse_args(args[1:])
    prefix = sys.prefix if ns.sys_prefix else ns.prefix
    path = install(user=ns.user, prefix=prefix, backend=ns.backend, device=ns.device,
                   name=ns.name)
    print(f"installed the Klong kernel {ns.name!r} in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
