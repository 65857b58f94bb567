"""``KlongInterpreter``: the Python API, and the loop that runs a program
expression by expression (text -> parser -> compiler -> closures)."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path
from typing import Any, Callable

from .adverbs import Adverbs
from .backend import Backend
from .compiler import Compiler, Module
from .display import Shower
from .errors import KlongError
from .nodes import DictLit
from .parser import Parser
from .sysfns import IO, install
from .values import Builtin, Char, KDict, KFunction, Symbol
from .verbs import Verbs

RECURSION_LIMIT = 20000


def _make_backend(backend: Any, device: str | None, precision: int | None) -> Backend:
    if isinstance(backend, Backend):
        return backend
    from .plugins import load_backend
    return load_backend(backend, device=device, precision=precision)


class KlongInterpreter:
    """A Klong interpreter on one backend.

    >>> k = KlongInterpreter()              # doctest: +SKIP
    >>> k("+/1+!10")                        # doctest: +SKIP
    55
    """

    def __init__(self, backend: Any = None, device: str | None = None, precision: int | None = None):
        self.backend: Backend = _make_backend(backend, device, precision)
        self.globals: dict[str, Any] = {}
        self.module: Module | None = None
        self.verbs = Verbs(self)
        self.adverbs = Adverbs(self.verbs)
        self.compiler = Compiler(self)
        self.shower = Shower(self.backend)
        self.io = IO(self)
        self._readers: list[Parser] = []
        install(self)
        self.globals["klong"] = self
        if sys.getrecursionlimit() < RECURSION_LIMIT:
            sys.setrecursionlimit(RECURSION_LIMIT)

    # -- running programs ----------------------------------------------------------
    def __call__(self, source: str) -> Any:
        """Run ``source`` and return the value of its last expression."""
        return self.run(source)

    def run(self, source: str, origin: str | None = None) -> Any:
        parser = Parser(source)
        self._readers.append(parser)
        value: Any = []
        try:
            while True:
                node = parser.next_statement()
                if node is None:
                    return value
                value = self.compiler.compile(node, source, origin)()
        except KlongError as e:
            raise e.locate(None, source, origin)
        except RecursionError:
            raise KlongError("recursion too deep (stack overflow)", None, source, origin) from None
        finally:
            self._readers.pop()

    def run_file(self, path: str, args: list[str] | None = None) -> Any:
        """Run a program file, with ``args`` bound to ``.a``."""
        self.globals[".a"] = list(args or [])
        try:
            text = Path(path).read_text(encoding="utf-8")
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
            raise KlongError(f"arity error: {f.kind_name} called with {len(args)} argument"
                             f"{'' if len(args) == 1 else 's'}")
        return f.call(args)

    def apply_adverb(self, f: Any, args: list) -> Any:
        """Call through an adverb: a nilad ignores the element it is given."""
        if isinstance(f, KFunction) and f.arity == 0:
            return f.call([])
        return self.apply(f, args)

    # -- values ------------------------------------------------------------------
    def show(self, value: Any) -> str:
        """Klong's readable representation (what the REPL prints)."""
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
        """A Python value -> a Klong value."""
        t = type(v)
        if t is bool:
            return int(v)
        if t in (int, float, str, Char, Symbol) or isinstance(v, (KFunction, KDict)):
            return v
        if isinstance(v, self.backend.array_type):
            return self._array_in(v)
        if t in (list, tuple):
            return self.verbs.mklist([self.to_klong(x) for x in v])
        if t is dict:
            d = KDict()
            for key, val in v.items():
                key, val = self.to_klong(key), self.to_klong(val)
                d.d[self.verbs.hkey(key)] = (key, val)
            return d
        if v is None:
            return []
        if hasattr(v, "__array__") or hasattr(v, "detach"):
            return self._array_in(v)
        if hasattr(v, "item") and callable(v.item) and not hasattr(v, "__len__"):
            return self.to_klong(v.item())
        if callable(v):
            return python_function(self, v)
        return v

    def _array_in(self, v: Any) -> Any:
        a = self.backend.asarray(v)
        if a.ndim == 0:
            return self.backend.scalar(a)
        return a if a.shape[0] else []

    def to_python(self, v: Any) -> Any:
        """A Klong value -> Python: arrays stay backend arrays, functions become callables."""
        if type(v) is list:
            return [self.to_python(x) for x in v]
        if isinstance(v, KFunction):
            return lambda *args: self.to_python(self.apply(v, [self.to_klong(a) for a in args]))
        return v

    def __getitem__(self, name: str) -> Any:
        try:
            return self.to_python(self.globals[name])
        except KeyError:
            raise KeyError(name) from None

    def __setitem__(self, name: str, value: Any) -> None:
        self.globals[name] = self.to_klong(value)

    def __contains__(self, name: str) -> bool:
        return name in self.globals


def python_function(k: KlongInterpreter, f: Callable, name: str | None = None) -> Builtin:
    """Wrap a Python callable as a Klong function: 0-3 plain parameters give a
    nilad..triad; a first parameter named ``klong`` receives the interpreter;
    anything else takes one list argument."""
    name = name or getattr(f, "__name__", "python")
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        params = None
    wants_klong = bool(params) and params[0].name == "klong"
    if wants_klong:
        params = params[1:]
    plain = params is not None and all(
        p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty for p in params)
    arity = len(params) if plain and len(params) <= 3 else 1

    def call(*args: Any) -> Any:
        py_args = [k.to_python(a) for a in args]
        if not plain or (params is not None and len(params) > 3):
            py_args = py_args[0] if py_args and isinstance(py_args[0], list) else py_args
            py_args = list(py_args)
        try:
            result = f(k, *py_args) if wants_klong else f(*py_args)
        except KlongError:
            raise
        except Exception as e:  # noqa: BLE001 - reported as a Klong error naming the function
            raise KlongError(f"{name}: Python {type(e).__name__}: {e}") from None
        return k.to_klong(result)

    return Builtin(name, arity, call)
