"""The ``klong`` command line (shipped with klong-core, so that any backend
installed next to core gives a working command; klong-cli adds the full REPL).

``klong FILE [ARGS...]`` runs a program (ARGS become ``.a``); ``klong -e EXPR``
prints the value of each expression (a list of lists one element a line
unless ``--flat``); with neither, a terminal gets the REPL
and piped input is run as a program. Errors print ``klong: error: ...`` on
stderr and exit with status 1; ``KLONG_DEBUG=1`` adds the Python traceback.
Imports stay lazy: ``--version`` and ``--list-backends`` never build a backend.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import warnings
from typing import TYPE_CHECKING, Any, NoReturn, Sequence

from klong import __version__

if TYPE_CHECKING:
    from klong import KlongInterpreter


REPL_GROUP = "klong.repl"  # entry points of full REPLs (klong-cli's): repl(k, load=FILE)
SLOW_IMPORT = 1.0  # seconds: a plugin slower to import is named in the listing


class _UsageError(Exception):
    """A command line that cannot be run as given."""


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors exit with status 1 like every other error."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{message} (see klong --help)")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter given the width it would find itself, so that it
    does not import shutil (and bz2, lzma...) at every start-up."""

    def __init__(self, prog: str) -> None:
        try:
            columns = int(os.environ.get("COLUMNS", "")) or 0
        except ValueError:
            columns = 0
        if columns <= 0:  # as shutil.get_terminal_size(): stdout's terminal, else 80
            try:
                columns = os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
            except (AttributeError, ValueError, OSError):
                columns = 80
        super().__init__(prog, width=columns - 2)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="klong",
        description="Run Klong programs on a NumPy, PyTorch or third-party backend.",
        formatter_class=_Formatter,
        epilog="exit status:\n"
               "  0    the program ended, or called .x with a false value\n"
               "  N    the program called .x(N) with an integer N (1 for other true values)\n"
               "  1    a Klong error, a bad command line or an unusable backend/device\n"
               "  130  interrupted by Ctrl-C\n"
               "environment:\n"
               "  KLONG_BACKEND         default backend (else numpy if installed)\n"
               "  KLONGPATH             folders searched by .l (colon-separated)\n"
               "  KLONG_DEBUG=1         show Python tracebacks of internal errors\n"
               "  KLONG_NO_FAST_PATHS=1  the plain evaluator (as --no-fast-paths)\n"
               "  KLONG_STRICT_PLUGINS=1  a broken backend plugin is fatal")
    p.add_argument("file", nargs="?", metavar="FILE",
                   help="program to run ('-' reads standard input)")
    p.add_argument("args", nargs=argparse.REMAINDER, metavar="ARGS",
                   help="arguments for the program, available to it as .a "
                        "(everything after FILE goes to the program)")
    p.add_argument("-e", "--eval", dest="exprs", action="append", default=[], metavar="EXPR",
                   help="evaluate EXPR and print its value (repeatable, in order)")
    p.add_argument("--flat", action="store_true",
                   help="print -e and REPL results on one line, as .p does (by default a "
                        "list holding lists prints one element a line; ]m switches in the REPL)")
    p.add_argument("-l", dest="load", metavar="FILE", help="load FILE, then start the REPL")
    p.add_argument("--backend", metavar="NAME",
                   help="array backend (default: $KLONG_BACKEND, else numpy if installed)")
    p.add_argument("--device", metavar="DEV",
                   help="device: cpu, cuda, cuda:N, mps (default: the best available)")
    p.add_argument("--precision", type=int, choices=(32, 64),
                   help="bits of reals (default 64 where the device supports it)")
    p.add_argument("--timeout", type=seconds, metavar="SECONDS",
                   help="stop each evaluation (the program, each -e, each REPL input) after SECONDS")
    p.add_argument("--max-memory", type=size, metavar="SIZE",
                   help="stop an evaluation that would grow the process by more than SIZE "
                        "(bytes, or with K, M, G: 512M)")
    p.add_argument("--no-fast-paths", dest="fast_paths", action="store_false",
                   help="run the plain evaluator, without the fast paths it checks them against "
                        "(also KLONG_NO_FAST_PATHS=1)")
    p.add_argument("--untrusted", action="store_true",
                   help="without the system functions that reach outside the interpreter "
                        "(files, the shell, Python: docs/security.md)")
    p.add_argument("--list-backends", action="store_true",
                   help="list installed backends, their devices and status")
    p.add_argument("--json", action="store_true", help="with --list-backends: print JSON")
    p.add_argument("--devices", action="store_true",
                   help="with --list-backends: probe each backend's devices (imports its library)")
    p.add_argument("--version", action="store_true", help="print versions and exit")
    return p


def seconds(text: str) -> float:
    value = float(text)
    if not (math.isfinite(value) and value > 0):
        raise ValueError(text)
    return value


_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def size(text: str) -> int:
    t = text.strip().upper().removesuffix("B")
    unit = t[-1:] if t[-1:] in _UNITS else ""
    value = int(float(t[:len(t) - len(unit)]) * _UNITS[unit])
    if value <= 0:
        raise ValueError(text)
    return value


def _version_text() -> str:
    """Versions of core, the CLI and each installed backend, from metadata only."""
    from importlib import metadata

    from klong.plugins import GROUP

    def version(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "not installed"

    repls = ", ".join(_label(ep) for ep in metadata.entry_points(group=REPL_GROUP))
    lines = [f"klong {__version__} (klong-core {version('klong-core')}, "
             f"REPL: {repls or 'basic (pip install klong-cli for the full one)'})"]
    for ep in sorted(metadata.entry_points(group=GROUP), key=lambda e: e.name):
        lines.append(f"backend {ep.name}: {_label(ep)}")
    return "\n".join(lines)


def _label(ep: Any) -> str:
    dist = getattr(ep, "dist", None)
    return f"{dist.metadata['Name']} {dist.version}" if dist is not None else ep.value


def full_repl() -> Any:
    """The full REPL a distribution plugs in (entry point group ``klong.repl``,
    klong-cli's), or None for core's basic one. Core names no distribution
    built on it; one that fails to load is reported and skipped."""
    from importlib import metadata

    for ep in sorted(metadata.entry_points(group=REPL_GROUP), key=lambda e: e.name):
        try:
            return ep.load()
        except Exception as exc:  # noqa: BLE001 - a broken REPL must not stop the basic one
            print(f"klong: warning: REPL {ep.name} ({_label(ep)}) cannot be loaded: "
                  f"{type(exc).__name__}: {exc}", file=sys.stderr)
    return None


def _list_backends(as_json: bool, devices: bool) -> int:
    from klong.plugins import list_backends

    rows = list_backends(devices)
    if as_json:
        import json
        from dataclasses import asdict

        print(json.dumps([asdict(r) for r in rows], indent=2))
        return 0
    header = ["name", "distribution", "version", "devices", "float64", "autograd", "status"]
    table = [[r.name, r.distribution, r.version, ", ".join(r.devices) or ("-" if devices else "?"),
              _yes_no(r.float64), _yes_no(r.autograd),
              "ok" if r.status == "ok" else f"error: {r.error}"] for r in rows]
    if sys.stdout.isatty() and _has("rich"):
        from rich.console import Console
        from rich.table import Table

        t = Table(*header, title="Klong backends")
        for line in table:
            t.add_row(*line, style=None if line[-1] == "ok" else "red")
        Console().print(t)
    else:
        widths = [max(len(x) for x in col) for col in zip(header, *table)]
        for line in [header, *table]:
            print("  ".join(x.ljust(w) for x, w in zip(line, widths)).rstrip())
    if not rows:
        from klong.plugins import INSTALL_HINT

        print(f"no backend is installed: {INSTALL_HINT}", file=sys.stderr)
    notes = [f"{r.name}: {r.description}" for r in rows if r.description and r.status == "ok"]
    if not devices and not as_json and rows:
        notes.append("devices ?: not probed (klong --list-backends --devices)")
    notes += [f"{r.name}: {r.warning}" for r in rows if r.warning]
    notes += [f"{r.name}: its plugin took {r.load_seconds:.1f} s to import" for r in rows
              if r.load_seconds >= SLOW_IMPORT]
    if notes:
        print("\n".join(notes))
    return 0


def _has(module: str) -> bool:
    from importlib.util import find_spec

    return find_spec(module) is not None


def _yes_no(flag: bool | None) -> str:
    return "-" if flag is None else ("yes" if flag else "no")


def _interpreter(ns: argparse.Namespace) -> KlongInterpreter:
    from klong import KlongInterpreter, Limits

    return KlongInterpreter(backend=ns.backend, device=ns.device, precision=ns.precision,
                            fast_paths=None if ns.fast_paths else False,
                            limits=Limits(timeout=ns.timeout, memory=ns.max_memory),
                            untrusted=ns.untrusted)


def _run(ns: argparse.Namespace) -> int:
    if ns.version:
        print(_version_text())
        return 0
    if ns.list_backends:
        return _list_backends(ns.json, ns.devices)
    if ns.json or ns.devices:
        raise _UsageError("--json and --devices go with --list-backends")
    from klong.text import from_text, to_text

    k = _interpreter(ns)
    k.shower.matrix = not ns.flat
    _bytes_through_std_streams()
    interactive = ns.file is None and not ns.exprs and bool(ns.load or sys.stdin.isatty())
    if ns.load:
        from klong.sysfns import find_file
        found = find_file(ns.load)
        if found is None:  # the REPL would only show this; a script needs the status
            raise _UsageError(f"-l: cannot find {ns.load} (nor {ns.load}.kg)")
        if not interactive:
            k.run_file(str(found), [])
    if ns.file == "-" or (ns.file is None and not ns.exprs and not ns.load
                          and not sys.stdin.isatty()):
        k.run(sys.stdin.buffer.read().decode("latin-1"))  # a program is bytes (klong.text)
    elif ns.file is not None:
        k.run_file(ns.file, list(ns.args))
    for expr in ns.exprs:
        print(to_text(k.shower.layout(k.run(from_text(expr)))), flush=True)
    if interactive:  # the REPL loads the file: an error there is shown, not fatal
        repl = full_repl()
        return repl(k, load=ns.load) if repl is not None else _basic_repl(k, ns.load)
    return 0


def _bytes_through_std_streams() -> None:
    """Let bytes that are not UTF-8 pass the standard streams unchanged, so
    that a Klong program reads and writes them as the reference does."""
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="surrogateescape")
        except (AttributeError, ValueError, OSError):  # not a reconfigurable text stream
            pass


def _basic_repl(k: KlongInterpreter, load: str | None) -> int:
    """The REPL of a core-only install (no klong-cli): plain lines, no colours,
    the same ``]`` commands. ``pip install klong-cli`` gives the full one."""
    from klong.errors import KlongError, KlongExit
    from klong.interaction import Interaction, needs_more

    try:  # once loaded, input() edits lines and keeps this session's history (Up/Down)
        import readline  # noqa: F401
    except ImportError:  # Windows: plain lines
        pass
    session = Interaction(k)
    print(f"Klong {__version__}, backend: {k.backend.name} ({k.backend.device}); "
          "]h for help, ]q to quit (pip install klong-cli for completion, colours "
          "and history across sessions)")
    pending = [f"]l {load}"] if load else []
    while True:
        try:
            text = pending.pop() if pending else input("        ")
            while needs_more(text):
                text += "\n" + input("        ")
            if text.strip():
                print(session.handle(text))
        except (EOFError, KlongExit, SystemExit) as e:
            code = getattr(e, "status", getattr(e, "code", 0))
            return int(code) if isinstance(code, int) else 0
        except KlongError as e:
            print(e.render(), file=sys.stderr)
        except KeyboardInterrupt:
            print("\ninterrupted", file=sys.stderr)


def _error(message: str) -> int:
    print(f"klong: error: {message}", file=sys.stderr)
    exc = sys.exc_info()[1]
    if exc is not None and os.environ.get("KLONG_DEBUG", "") not in ("", "0"):
        print(debug_traceback(exc), end="", file=sys.stderr)
    return 1


def debug_traceback(exc: BaseException) -> str:
    """The traceback of ``exc`` with every exception it was raised from, also
    those its raisers hid (``raise ... from None``, as core does to keep user
    messages short): a backend author sees the frame where a method failed."""
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        e.__suppress_context__ = False
        e = e.__cause__ or e.__context__
    import traceback

    return "".join(traceback.format_exception(exc))


_VALUED = {"--backend", "--device", "--precision", "-l", "--timeout", "--max-memory"}


def _bind_expressions(argv: Sequence[str]) -> list[str]:
    """``-e EXPR`` as ``--eval=EXPR``, so that an expression starting with '-'
    (``klong -e '-1'``) is not taken for an option. Stops at the program file:
    what follows it belongs to the program."""
    out, i = [], 0
    while i < len(argv):
        tok = argv[i]
        if tok == "-e" and i + 1 < len(argv):
            out.append("--eval=" + argv[i + 1])
            i += 2
        elif tok in _VALUED and i + 1 < len(argv):
            out += [tok, argv[i + 1]]
            i += 2
        elif tok.startswith("-") and tok != "-":
            out.append(tok)
            i += 1
        else:
            return out + list(argv[i:])
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    from klong.errors import KlongBrokenPipe, KlongError, KlongExit
    from klong.plugins import KlongSetupError

    # numpy's floating-point warnings (1%0 on arrays gives inf) are not errors here
    warnings.filterwarnings("ignore", category=RuntimeWarning)
    try:
        return _run(_parser().parse_args(_bind_expressions(sys.argv[1:] if argv is None else argv)))
    except KlongExit as exc:
        return _status(exc.status)
    except KlongBrokenPipe:
        return _broken_pipe()
    except KlongError as exc:
        return _error(exc.render())
    except (KlongSetupError, _UsageError) as exc:
        return _error(str(exc))
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            return _broken_pipe()
        where = f"{exc.filename}: " if exc.filename else ""
        return _error(f"{where}{exc.strerror or exc}")
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except Exception as exc:  # an internal fault: no traceback unless asked for
        return _error(f"internal error: {type(exc).__name__}: {exc} "
                      "(run with KLONG_DEBUG=1 for a traceback)")


def _status(status: Any) -> int:
    try:
        return int(status)
    except (TypeError, ValueError):
        return 1


def _broken_pipe() -> int:
    """The reader went away (``klong ... | head``): leave quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
    return 1
