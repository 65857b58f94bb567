"""``KlongInterpreter``: the Python API, and the loop that runs a program
expression by expression (text -> parser -> compiler -> closures)."""

from __future__ import annotations

import os
from typing import Any, Callable, Iterator

from .adverbs import Adverbs
from .autograd import install as install_autograd
from .backend import Backend, plain_view
from .compiler import Compiler, Module
from .display import Shower
from .errors import KlongError
from .interop import install as install_interop
from .interop import KlongCallable, python_function, to_klong, to_python  # noqa: F401 - python_function is public here too
from .limits import Guard, Limits
from .nodes import DictLit
from .parser import Parser
from .sysfns import IO, install
from .text import read_source
from .values import Builtin, KDict, KFunction
from .verbs import Verbs

COMPILE_CACHE = 256  # programs (by their text) kept compiled for re-runs
_PYTHON_SIDE = (dict, tuple, list, KlongCallable)  # what to_python makes of Klong values
CACHE_TEXT = 1 << 16  # ...when their text is at most this long
# what reaches outside the interpreter: Python, processes, files, the process's end
OUTSIDE = (".py", ".pyf", ".pyc", ".pya", ".sys", ".ic", ".oc", ".ac", ".df", ".l", ".x", "klong")


def _make_backend(backend: Any, device: str | None, precision: int | None) -> Backend:
    if isinstance(backend, Backend):
        return backend
    from .plugins import load_backend
    return load_backend(backend, device=device, precision=precision)


def fast_paths_default() -> bool:
    """False where ``KLONG_NO_FAST_PATHS`` is set (to anything but 0)."""
    return os.environ.get("KLONG_NO_FAST_PATHS", "") in ("", "0")


def _limits(limits: Limits | dict | None) -> Limits | None:
    if isinstance(limits, dict):
        unknown = sorted(set(limits) - {"timeout", "steps", "memory"}, key=str)
        if unknown:
            raise TypeError(f"limits: unknown {', '.join(map(repr, unknown))} "
                            "(expected timeout, steps, memory)")
        return Limits(**limits)
    if limits is not None and not isinstance(limits, Limits):
        raise TypeError(f"limits: expected a Limits, a dict or None, got {limits!r}")
    return limits


class KlongInterpreter:
    """A Klong interpreter on one backend.

    >>> k = KlongInterpreter()              # doctest: +SKIP
    >>> k("+/1+!10")                        # doctest: +SKIP
    55

    ``fast_paths=False`` (default: off where ``KLONG_NO_FAST_PATHS`` is set)
    runs the plain evaluator, which every fast path must agree with: closures
    only, no whole-array forms, extents computed from the values, and the
    backend's portable methods answered by core's defaults (ARCHITECTURE.md,
    "Fast paths").
    """

    def __init__(self, backend: Any = None, device: str | None = None, precision: int | None = None,
                 limits: Limits | dict | None = None, untrusted: bool = False,
                 fast_paths: bool | None = None):
        self.fast_paths = fast_paths_default() if fast_paths is None else fast_paths
        self.backend: Backend = _make_backend(backend, device, precision)
        if not self.fast_paths:
            self.backend = plain_view(self.backend)
        self.guard = Guard(_limits(limits))
        self.untrusted = untrusted
        self._precision = precision  # as asked (None: the device's own), for with_backend
        self.globals: dict[str, Any] = {}
        self.module: Module | None = None
        self.verbs = Verbs(self)
        self.adverbs = Adverbs(self.verbs)
        self.compiler = Compiler(self)
        self.shower = Shower(self.backend)
        self.io = IO(self)
        self._readers: list[Parser] = []
        self._compiled: dict[str, list[Callable[[], Any]]] = {}
        install(self)
        install_interop(self)
        install_autograd(self)  # .jacobian
        self.globals["klong"] = self
        if untrusted:  # see docs/security.md
            for name in OUTSIDE:
                self.globals.pop(name, None)

    def with_backend(self, backend: Any, device: str | None = None) -> "KlongInterpreter":
        """A new, empty interpreter on another backend (or device) with this one's
        settings: the precision asked for, the limits, untrusted mode, fast paths."""
        return KlongInterpreter(backend=backend, device=device, precision=self._precision,
                                limits=self.guard.limits, untrusted=self.untrusted,
                                fast_paths=self.fast_paths)

    # -- running programs ----------------------------------------------------------
    def __call__(self, source: str, limits: Limits | dict | None = None) -> Any:
        """Run ``source`` and return the value of its last expression, converted
        to Python as ``k[name]`` converts (:meth:`run` returns Klong's own value);
        ``limits`` replace the interpreter's own for this call."""
        if self.guard.depth:  # called back from Python inside a running program
            with self.guard.host_call():
                return self._call(source, limits)
        return self._call(source, limits)

    def _call(self, source: str, limits: Limits | dict | None) -> Any:
        with self.guard.running(_limits(limits)):  # the conversion too: deep data recurses
            value = self.run(source)
            try:
                return self.to_python(value)
            except RecursionError:
                raise KlongError("the value is nested too deeply for Python "
                                 "(run() returns it as a Klong value)") from None

    def interrupt(self) -> None:
        """Stop the running evaluation at its next check with an "interrupted"
        Klong error; safe to call from any thread."""
        self.guard.interrupt()

    def run(self, source: str, origin: str | None = None, limits: Limits | dict | None = None) -> Any:
        with self.guard.running(_limits(limits)):
            return self._run(source, origin)

    def _run(self, source: str, origin: str | None) -> Any:
        cached = self._compiled.get(source) if origin is None and self.module is None else None
        if cached is not None:  # the same text again (a loop in Python): skip parse and compile
            return self._run_compiled(cached, source)
        parser = Parser(source)
        self._readers.append(parser)
        self.origins.append(origin)  # .py finds modules next to the innermost program file
        value: Any = []
        done: list[Callable[[], Any]] = []
        cacheable = (self.fast_paths and origin is None and self.module is None and ".comment" not in source
                     and len(source) <= CACHE_TEXT)
        try:
            while True:
                node = parser.next_statement()
                if node is None:
                    if cacheable:
                        self._remember_program(source, done)
                    return value
                code = self.compiler.compile(node, source, origin)
                if cacheable:  # else each statement is dropped once run: linear memory
                    done.append(code)
                value = code()
                cacheable = cacheable and self.module is None  # modules change compilation
        except KlongError as e:
            if e.origin is None and e.source is source:
                e.origin = origin  # a syntax error in a loaded file names the file
            raise e.locate(None, source, origin)
        except RecursionError:
            raise KlongError("recursion too deep (stack overflow)", None, source, origin) from None
        finally:
            self._readers.pop()
            self.origins.pop()

    def _remember_program(self, source: str, code: list[Callable[[], Any]]) -> None:
        if len(self._compiled) >= COMPILE_CACHE:
            self._compiled.pop(next(iter(self._compiled)))
        self._compiled[source] = code

    def _run_compiled(self, code: list[Callable[[], Any]], source: str) -> Any:
        value: Any = []
        self.origins.append(None)
        try:
            for c in code:
                value = c()
            return value
        except KlongError as e:
            raise e.locate(None, source, None)
        except RecursionError:
            raise KlongError("recursion too deep (stack overflow)", None, source) from None
        finally:
            self.origins.pop()

    def run_file(self, path: str, args: list[str] | None = None) -> Any:
        """Run a program file, with ``args`` bound to ``.a``; return the value of
        its last expression (Klong's own; ``to_python`` converts it)."""
        self.globals[".a"] = list(args or [])
        try:
            text = read_source(path)
        except OSError as e:
            raise KlongError(f"cannot read {path}: {e.strerror}") from None
        try:
            return self.run(text, origin=str(path))
        finally:
            self.io.flush_all()

    eval_file = run_file

    def skip_comment(self, delimiter: str) -> None:
        """``.comment``: discard source lines up to one starting with ``delimiter``."""
        if not self._readers:
            return
        p = self._readers[-1]
        src = p.src
        pos = p.resume_offset()
        if p.tok.kind != ";" or p.tok.value != "\n":
            nl = src.find("\n", pos)
            pos = len(src) if nl < 0 else nl + 1
        while pos < len(src):
            nl = src.find("\n", pos)
            line_end = len(src) if nl < 0 else nl + 1
            if src.startswith(delimiter, pos):
                p.skip_to(line_end)
                return
            pos = line_end
        p.skip_to(len(src))

    # -- calling -----------------------------------------------------------------
    def apply(self, f: Any, args: list) -> Any:
        """Call a Klong function with exactly its number of arguments."""
        if not isinstance(f, KFunction):
            raise KlongError(f"cannot call {self.show(f)}: not a function")
        if f.arity != len(args) and not (isinstance(f, Builtin) and f.pass_list):
            who = f"{f.name}: " if isinstance(f, Builtin) else ""
            raise KlongError(f"{who}arity error: {f.kind_name} called with {len(args)} argument"
                             f"{'' if len(args) == 1 else 's'}")
        return f.call(args)

    def apply_adverb(self, f: Any, args: list) -> Any:
        """Call through an adverb: a nilad ignores the element it is given."""
        if isinstance(f, KFunction) and f.arity == 0:
            return f.call([])
        return self.apply(f, args)

    # -- values ------------------------------------------------------------------
    def show(self, value: Any) -> str:
        """Klong's readable representation (what the REPL prints), also of the
        Python values ``k(...)`` returns."""
        if type(value) in _PYTHON_SIDE:
            try:
                with self.guard.running():  # deep data recurses here
                    value = self.to_klong(value)
            except RecursionError:  # too deep for Python: a Klong list already
                pass
        return self.shower.show(value)

    def display(self, value: Any) -> str:
        """What ``.d`` writes: like :meth:`show`, but strings and characters raw."""
        return self.shower.display(value)

    def from_literal(self, v: Any) -> Any:
        """Parsed literal data -> a Klong value (lists canonicalised)."""
        t = type(v)
        if t is list:
            return self.verbs.mklist([self.from_literal(x) for x in v])
        if t is DictLit:
            hk = self.verbs.hkey
            d = KDict()
            for key, val in v.pairs:
                key, val = self.from_literal(key), self.from_literal(val)
                d.d[hk(key)] = (key, val)
            return d
        return v

    def to_klong(self, v: Any) -> Any:
        """A Python value -> a Klong value (see :mod:`klong.interop`)."""
        return to_klong(self, v)

    def to_python(self, v: Any) -> Any:
        """A Klong value -> Python: arrays stay backend arrays, dictionaries become
        dicts, functions become callables (see :mod:`klong.interop`)."""
        return to_python(self, v)

    def __getitem__(self, name: str) -> Any:
        try:
            return self.to_python(self.globals[name])
        except KeyError:
            raise KeyError(name) from None

    def __setitem__(self, name: str, value: Any) -> None:
        if type(name) is not str or not name:
            raise TypeError(f"a Klong variable's name is a non-empty string, not {name!r}")
        self.globals[name] = self.to_klong(value)

    def __contains__(self, name: str) -> bool:
        return name in self.globals

    def __delitem__(self, name: str) -> None:
        try:
            del self.globals[name]
        except KeyError:
            raise KeyError(name) from None

    def keys(self) -> list[str]:
        """The names a program or Python defined (system names and ``klong`` left out)."""
        return [n for n in self.globals if not n.startswith(".") and n != "klong"]

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __repr__(self) -> str:
        n = len(self.keys())
        return (f"<KlongInterpreter backend={self.backend.name} device={self.backend.device}, "
                f"{n} variable{'' if n == 1 else 's'}>")
