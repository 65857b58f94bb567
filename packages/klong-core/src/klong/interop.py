"""Python interop: the conversions between Klong and Python values, Python
callables seen from Klong (and Klong functions seen from Python), and the
system functions ``.py``, ``.pyf``, ``.pyc`` and ``.pya``.

Conversions (see docs/interop.md for the full table):

=====================  ==========================  ==============================
Klong                  -> Python                   Python -> Klong
=====================  ==========================  ==============================
integer, real          int, float                  int, float, bool, numpy scalar
string                 str                         str
character, symbol      Char, Symbol (unchanged)    Char, Symbol
list                   list (elements converted)   list, tuple, range, set
numeric list/array     the backend's array         numpy array, tensor (on the
                       (numpy array / tensor)      backend's device, float dtypes
                                                   kept; complex is an error)
dictionary             dict                        dict
function               KlongCallable               any callable (a PyFunction)
Python object          the same object             any other object (opaque)
=====================  ==========================  ==============================
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

from .errors import KlongError
from .nested import rebuild
from .values import Builtin, Char, KDict, KFunction, Symbol

_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
_KLONG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*\Z")


# -- Python callables seen from Klong ----------------------------------------------

class PyFunction(Builtin):
    """A Python callable as a Klong function. ``pyobj`` is the original object,
    handed back unchanged when the function crosses into Python again."""

    __slots__ = ("pyobj",)

    def __init__(self, name: str, arity: int, fn: Callable, pyobj: Any):
        super().__init__(name, arity, fn, pass_list=True)
        self.pyobj = pyobj


def _shape_of_call(f: Callable) -> tuple[int, int, bool, bool | None]:
    """How Klong calls ``f``: (arity, required arguments, wants the interpreter
    as first argument, spreads one list argument over variadic parameters --
    None when the signature is unknown: the arguments are passed as given)."""
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        return 1, 0, False, None  # no signature (some builtins): whatever Klong passes
    wants_klong = bool(params) and params[0].name == "klong" and params[0].kind in _POSITIONAL
    if wants_klong:
        params = params[1:]
    positional = [p for p in params if p.kind in _POSITIONAL]
    required = sum(p.default is p.empty for p in positional)
    if required > 3 or any(p.kind is p.VAR_POSITIONAL for p in params):
        return 1, 1, wants_klong, True
    return min(len(positional), 3), required, wants_klong, False


def python_function(k: Any, f: Callable, name: str | None = None) -> PyFunction:
    """Wrap a Python callable (function, class, callable object) as a Klong function.

    Plain positional parameters give the arity: 0-3 make a nilad..triad (trailing
    parameters with defaults may be left out); more, or ``*args``, make a monad
    whose list argument is spread over them; a callable without a signature gets
    the arguments as given (a monad for adverbs). A first parameter named ``klong``
    receives the interpreter; a Klong caller may also pass ``klong`` itself there,
    so ``Opt(klong;["w"])`` and ``Opt(["w"])`` both work.
    """
    name = name or getattr(f, "__name__", None) or type(f).__name__
    arity, required, wants_klong, spread = _shape_of_call(f)
    elems = k.verbs.elems
    is_list = k.verbs.is_list

    def call(args: list) -> Any:
        if wants_klong and args and args[0] is k and len(args) > required:
            args = args[1:]
        if spread:
            if len(args) == 1 and is_list(args[0]):
                args = list(elems(args[0]))
        elif spread is not None and not required <= len(args) <= arity:
            raise KlongError(f"arity error: {me.name} takes {_count(required, arity)}, "
                             f"called with {len(args)}")
        py_args = [to_python(k, a) for a in args]
        try:
            result = f(k, *py_args) if wants_klong else f(*py_args)
        except KlongError:
            raise
        except RecursionError:
            raise
        except Exception as e:  # noqa: BLE001 - reported as a Klong error naming the function
            raise KlongError(f"{me.name}: Python {type(e).__name__}: {e}") from None
        return to_klong(k, result)

    me = PyFunction(name, arity, call, f)  # named by the Klong name it is bound to
    return me


def _count(lo: int, hi: int) -> str:
    n = f"{lo}" if lo == hi else f"{lo} to {hi}"
    return f"{n} argument{'' if hi == 1 else 's'}"


# -- Klong functions seen from Python ----------------------------------------------

class KlongCallable:
    """A Klong function as a Python callable: arguments are converted to Klong,
    the result back to Python. ``fn`` is the Klong function itself."""

    __slots__ = ("k", "fn", "__name__")

    def __init__(self, k: Any, fn: KFunction):
        self.k = k
        self.fn = fn
        self.__name__ = getattr(fn, "name", None) or "klong_function"

    @property
    def arity(self) -> int:
        return self.fn.arity

    def __call__(self, *args: Any) -> Any:
        k = self.k
        with k.guard.host_call():
            return to_python(k, k.apply(self.fn, [to_klong(k, a) for a in args]))

    def __repr__(self) -> str:
        return repr(self.fn)


# -- value conversions -------------------------------------------------------------

SEQUENCES = (list, tuple, range, set, frozenset)  # a Klong list (of any depth) from each


def to_klong(k: Any, v: Any) -> Any:
    """A Python value -> a Klong value."""
    t = type(v)
    if t is int or t is float or t is str:
        return v
    if t is bool:
        return int(v)
    if t is Char or t is Symbol or isinstance(v, (KFunction, KDict)):
        return v
    if isinstance(v, type):
        return python_function(k, v)  # numpy.float64, torch.Tensor: classes, not arrays
    if t is complex or _is_complex(getattr(v, "dtype", None)):
        raise KlongError(f"Klong has no complex numbers: {_brief(v)} (pass its .real, "
                         ".imag or abs() instead)")
    B = k.backend
    if isinstance(v, B.array_type):
        return _array_in(k, v)
    if t in SEQUENCES:
        return rebuild(v, iter, lambda x: type(x) in SEQUENCES, lambda x: to_klong(k, x),
                       k.verbs.mklist)
    if t is dict:
        d = KDict()
        for key, val in v.items():
            key, val = to_klong(k, key), to_klong(k, val)
            d.d[k.verbs.hkey(key)] = (key, val)
        return d
    if v is None:
        return []
    if t is KlongCallable:
        return v.fn
    if isinstance(v, type(k)) or isinstance(v, ModuleType):
        return v  # an interpreter is callable, but stays the object `klong`
    if hasattr(v, "__array__") or hasattr(v, "detach"):
        return _array_in(k, v)
    if hasattr(v, "item") and callable(v.item) and not hasattr(v, "__len__"):
        return to_klong(k, v.item())
    if callable(v):
        return python_function(k, v)
    return v


def _is_complex(dtype: Any) -> bool:
    """numpy's dtype.kind "c", torch's dtype.is_complex."""
    return getattr(dtype, "kind", None) == "c" or getattr(dtype, "is_complex", False) is True


def _brief(v: Any) -> str:
    shape = getattr(v, "shape", None)
    return f"a {type(v).__name__} of shape {tuple(shape)}" if shape else f"the {type(v).__name__} {v!r}"


def _array_in(k: Any, v: Any) -> Any:
    """A foreign array -> the backend (numeric, keeping a float dtype the
    backend can hold) or a Klong list (anything else)."""
    try:
        a = k.backend.asarray(v)
    except (TypeError, ValueError):
        # strings or objects in a numpy array: element by element
        return to_klong(k, v.tolist()) if callable(getattr(v, "tolist", None)) else v
    if a.ndim == 0:
        return k.backend.scalar(a)
    return a if a.shape[0] else []


def to_python(k: Any, v: Any) -> Any:
    """A Klong value -> Python: arrays stay backend arrays (on their device),
    dictionaries become dicts, functions become callables."""
    t = type(v)
    if t is list:
        return rebuild(v, iter, lambda x: type(x) is list, lambda x: to_python(k, x), list)
    if t is KDict:
        return {_py_key(k, key): to_python(k, val) for key, val in v.d.values()}
    if isinstance(v, PyFunction):
        return v.pyobj
    if isinstance(v, KFunction):
        return KlongCallable(k, v)
    return v


def _py_key(k: Any, key: Any) -> Any:
    key = to_python(k, key)
    if isinstance(key, list):
        return tuple(_py_key(k, e) for e in key)
    if isinstance(key, k.backend.array_type):
        return tuple(k.backend.tolist(key)) if key.ndim else key.item()
    return key


# -- finding modules ---------------------------------------------------------------

def _base_dir(k: Any) -> Path:
    """The directory of the program being run (the innermost one that came
    from a file), else the current directory."""
    for origin in reversed(getattr(k, "origins", [])):
        if origin:
            return Path(origin).resolve().parent
    return Path.cwd()


def _standard(name: str) -> bool:
    return name in sys.stdlib_module_names or name in sys.builtin_module_names


def _same_file(module: ModuleType | None, init: Path) -> bool:
    file = getattr(module, "__file__", None)
    return bool(file) and Path(file).resolve() == init.resolve()


def _load_path(path: Path) -> ModuleType:
    """Import a ``.py`` file or a package folder by path (once per path). A name
    that the standard library or another module already holds in ``sys.modules``
    is not taken over: the module is registered under a private name."""
    init = path / "__init__.py" if path.is_dir() else path
    name = path.stem if path.is_file() else path.name
    for candidate in (name, f"_klong_local_{name}"):
        if _same_file(sys.modules.get(candidate), init):
            return sys.modules[candidate]
    if _standard(name) or name in sys.modules:
        name = f"_klong_local_{name}"
    old = sys.modules.get(name)
    spec = importlib.util.spec_from_file_location(
        name, init, submodule_search_locations=[str(path)] if path.is_dir() else None)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    # registered before running it, as `import` does (dataclasses, relative imports)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        if old is None:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = old
        raise
    return module


def import_module(k: Any, spec: str, fname: str = ".py") -> ModuleType:
    """``spec``: a module name (looked up next to the running program first,
    then on ``sys.path``), a path to a ``.py`` file, or a path to a package folder."""
    base = _base_dir(k)
    try:
        if spec.endswith(".py") or "/" in spec or "\\" in spec:
            path = Path(spec).expanduser()
            path = path if path.is_absolute() else base / path
            if not path.exists():
                raise KlongError(f"{fname}: no such file or folder: {spec}")
            return _load_path(path)
        if "." not in spec and not _standard(spec):  # a local json.py never hides json
            for local in (base / (spec + ".py"), base / spec):
                if local.is_file() or (local / "__init__.py").is_file():
                    return _load_path(local)
        return importlib.import_module(spec)
    except KlongError:
        raise
    except ModuleNotFoundError as e:
        raise KlongError(f"{fname}: no Python module {e.name or spec!r} "
                         f"(searched {base} and the Python path)") from None
    except Exception as e:  # noqa: BLE001 - the module's own failure, reported
        raise KlongError(f"{fname}: importing {spec}: Python {type(e).__name__}: {e}") from None


def klong_name(name: str) -> str:
    """A Python name as a Klong variable: Klong names have no ``_``, so
    ``snake_case`` becomes ``snakeCase`` (leading underscores dropped)."""
    head, *rest = name.strip("_").split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest if p)


def exports(module: ModuleType) -> dict[str, Any]:
    """What ``.py`` binds: ``__klong_exports__`` if the module defines it (a dict
    Klong name -> object, or a list of attribute names), else the callables named
    in ``__all__``, else the module's own public callables (not what it imported)."""
    spec = getattr(module, "__klong_exports__", None)
    if isinstance(spec, dict):
        return dict(spec)
    if spec is not None:
        return {klong_name(n): getattr(module, n) for n in spec}
    names = getattr(module, "__all__", None)
    explicit = names is not None
    out: dict[str, Any] = {}
    for n in (names if explicit else list(vars(module))):
        if n.startswith("_") and not explicit:
            continue
        obj = getattr(module, n, None)
        if not callable(obj) or isinstance(obj, ModuleType):
            continue
        owner = getattr(obj, "__module__", None)
        if not explicit and isinstance(owner, str) and owner != module.__name__:
            continue  # imported from elsewhere
        out[klong_name(n)] = obj
    return out


# -- the system functions ----------------------------------------------------------

def install(k: Any) -> None:
    """Bind ``.py``, ``.pyf``, ``.pyc`` and ``.pya`` in interpreter ``k``."""
    G = k.globals
    if not hasattr(k, "origins"):
        k.origins = []

    def text(fname: str, a: Any, what: str) -> str:
        if type(a) is Symbol:
            return a.name
        if type(a) is not str:
            raise KlongError(f"{fname}: type error: {what} must be a string, got {k.show(a)}")
        return a

    def bind(fname: str, name: str, obj: Any) -> Any:
        if not _KLONG_NAME.match(name):
            raise KlongError(f"{fname}: {name!r} is not a Klong name")
        value = to_klong(k, obj)
        if isinstance(value, PyFunction):
            value.name = name
        G[name] = value
        return value

    def py(a: Any) -> Any:
        module = import_module(k, text(".py", a, "the module"), ".py")
        for name, obj in exports(module).items():
            bind(".py", name, obj)
        return module

    def pyf(a: Any, b: Any) -> Any:
        module = import_module(k, text(".pyf", a, "the module"), ".pyf")
        names = [text(".pyf", n, "each name") for n in (b if type(b) is list else [b])]
        bound = []
        for n in names:
            if not hasattr(module, n):
                raise KlongError(f".pyf: module {module.__name__} has no attribute {n!r}")
            bound.append(bind(".pyf", klong_name(n), getattr(module, n)))
        return bound[0] if type(b) is not list else bound

    def pyc(args: list) -> Any:
        if not 1 <= len(args) <= 3:
            raise KlongError(f"arity error: .pyc takes 1 to 3 arguments, called with {len(args)}")
        f, pos, kw = (list(args) + [[], []])[:3]
        target = to_python(k, f)
        if not callable(target):
            raise KlongError(f".pyc: {k.show(f)} is not callable")
        pos = list(k.verbs.elems(pos)) if k.verbs.is_list(pos) else [pos]
        if type(kw) is KDict:
            kwargs = {text(".pyc", key, "each keyword"): to_python(k, val) for key, val in kw.d.values()}
        elif type(kw) is list and not kw:
            kwargs = {}
        else:
            raise KlongError(f".pyc: keyword arguments must be a dictionary, got {k.show(kw)}")
        name = getattr(target, "__name__", None) or type(target).__name__
        try:
            result = target(*[to_python(k, p) for p in pos], **kwargs)
        except (KlongError, RecursionError):
            raise
        except Exception as e:  # noqa: BLE001 - reported as a Klong error naming the callable
            raise KlongError(f"{name}: Python {type(e).__name__}: {e}") from None
        return to_klong(k, result)

    def pya(a: Any, b: Any) -> Any:
        obj = to_python(k, a)
        value = obj
        for part in text(".pya", b, "the attribute").split("."):
            try:
                value = getattr(value, part)
            except AttributeError:
                raise KlongError(f".pya: {type(value).__name__} object has no attribute {part!r}") from None
            except Exception as e:  # noqa: BLE001 - a failing property
                raise KlongError(f".pya: {part}: Python {type(e).__name__}: {e}") from None
        return to_klong(k, value)

    G[".py"] = Builtin(".py", 1, py)
    G[".pyf"] = Builtin(".pyf", 2, pyf)
    G[".pyc"] = Builtin(".pyc", 3, pyc, pass_list=True)
    G[".pya"] = Builtin(".pya", 2, pya)
