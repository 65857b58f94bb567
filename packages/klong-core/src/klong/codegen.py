"""Tree -> Python source, for the node kinds scalar code spends its time in.

The closure compiler (``compiler.py``) turns each node into a closure, so one
Klong step is several Python calls. For operators, conditionals, calls and
variables this module writes Python source instead: one function per
expression or function body, each node a few statements into temporaries,
run in the order the closures run (a dyad's right operand first, a call's
function and then its arguments), with integer arithmetic written inline and
each failure located at its node exactly as its closure would locate it.
Other kinds (adverbs, function literals, gradients) stay closures, called
from the generated code.

A function literal whose body holds only the kinds written here (no function
literal inside it, no gradient operator, no ``.E``/``.l``) keeps its
arguments and locals in Python locals: nothing is bound in the globals, since
no other text can see them (see Scoping in ARCHITECTURE.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from .errors import KlongError
from .nodes import Apply, Cond, Const, DictLit, Dyad, Lam, Monad, Node, OpVerb, Var
from .values import UNDEFINED, KDict, KFunction, Lambda, Projection
from .verbs import BIG_BITS

if TYPE_CHECKING:
    from .compiler import Compiler

GRAD_OPS = (":>", "\u2202", "\u2207")
# integer-only forms of the hottest dyads (exact: Python ints never wrap)
INLINE_INT = {
    "+": "{a} + {b}", "-": "{a} - {b}", "*": "{a} * {b}",
    "<": "1 if {a} < {b} else 0", ">": "1 if {a} > {b} else 0", "=": "1 if {a} == {b} else 0",
    "&": "min({a}, {b})", "|": "max({a}, {b})",
}
# x*y inline only for factors within these bounds: a product of big integers goes to
# the verb, which checks its size against the limits before computing it
BIG_HI = 1 << (BIG_BITS // 2)
BIG_LO = -BIG_HI
# the source names every constant, variable and message, so texts of the same
# shape are one text, compiled once (Python's compile costs a millisecond)
CODE: dict[str, Any] = {}
CODE_CACHE = 4096
MAX_NEST = 40  # conditionals nested deeper than this become closures (Python's indentation limit)
OOM_TEXTS = ("out of memory", "can't allocate memory", "not enough memory")  # torch, numpy
MISSING = object()  # an unassigned local


def failure(e: Exception, where: Callable[[KlongError], KlongError], what: str) -> KlongError:
    """Any exception raised while running a node, as a Klong error at that node
    (a Klong error keeps the more precise position it may already have)."""
    return where(e if isinstance(e, KlongError) else internal(e, what))


def internal(e: Exception, what: str) -> KlongError:
    """A Python failure inside an operator, as a Klong error in our words (the
    host's text stays on ``detail``, for KLONG_DEBUG and bug reports)."""
    if isinstance(e, RecursionError):
        err = KlongError("recursion too deep (stack overflow)")
    elif isinstance(e, MemoryError) or any(s in str(e) for s in OOM_TEXTS):
        err = KlongError(f"{what}: out of memory")
    elif isinstance(e, OverflowError):
        err = KlongError(f"{what}: overflow: a number too large for a real")
    else:
        err = KlongError(f"{what}: internal error ({type(e).__name__}); please report it")
    err.detail = f"{type(e).__name__}: {e}"
    return err



def generated(node: Node) -> bool:
    """Whether ``compile`` writes ``node`` itself as source (else it is a closure)."""
    t = type(node)
    if t is Dyad or t is Monad:
        return isinstance(node.verb, OpVerb) and node.verb.op not in GRAD_OPS
    if t is Apply:
        return True
    return t is Cond


def self_contained(node: Node) -> bool:
    """Whether ``node`` is written entirely as source (or as closures that read
    no variable): a body of such nodes may keep its names in Python locals."""
    todo = [(node, 1)]
    while todo:
        n, depth = todo.pop()
        t = type(n)
        if t is Const or t is DictLit or t is Var:
            continue
        if not generated(n) or depth >= MAX_NEST - 2:
            return False
        if t is Dyad:
            todo += ((n.left, depth), (n.right, depth))
        elif t is Monad:
            todo.append((n.arg, depth))
        elif t is Cond:
            todo += ((n.pred, depth), (n.then, depth + 1), (n.other, depth + 1))
        else:
            todo += [(a, depth) for a in n.args if a is not None]
            todo.append((n.fn, depth))
    return True


class Source:
    """The Python source of one function being written, and the objects it names."""

    def __init__(self, comp: Compiler, pylocals: dict[str, str] | None = None,
                 readonly: frozenset[str] = frozenset()):
        self.comp = comp
        k = comp.k
        self.ns: dict[str, Any] = {
            "G": comp.G, "KlongError": KlongError, "Lambda": Lambda, "KDict": KDict,
            "UNDEFINED": UNDEFINED, "apply": k.apply, "truth": comp.verbs.truth,
            "guard": k.guard, "failure": failure, "project": project,
            "join": comp.verbs.dyads[","], "MISSING": MISSING,
            "BIG_LO": BIG_LO, "BIG_HI": BIG_HI,
        }
        self.lines: list[str] = []
        self.depth = 1
        self.serial = 0
        self.pylocals = pylocals or {}  # key -> Python name, when names are Python locals
        self.readonly = readonly  # the Python names of arguments: never reassigned
        self.ints: set[str] = set()  # expressions known to be Python ints

    # -- writing ----------------------------------------------------------------
    def emit(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    def name(self, prefix: str, value: Any = None) -> str:
        self.serial += 1
        n = f"{prefix}{self.serial}"
        if value is not None:
            self.ns[n] = value
        return n

    def guarded(self, stmt: str, node: Node, what: str) -> None:
        """``stmt``, any failure in it located at ``node`` (as its closure does)."""
        w = self.name("_w", self.comp.located(node))
        self.emit("try:")
        self.emit(f"    {stmt}")
        self.emit("except Exception as e:")
        self.emit(f"    raise failure(e, {w}, {what!r}) from None")

    def function(self, header: str, prologue: list[str], result: str) -> Callable:
        text = "\n".join([header, *("    " + p for p in prologue), *self.lines, f"    return {result}"])
        code = CODE.get(text)
        if code is None:
            if len(CODE) >= CODE_CACHE:
                CODE.clear()
            code = CODE[text] = compile(text, "<klong>", "exec")
        exec(code, self.ns)  # noqa: S102 - our own generated source
        return self.ns["_f"]

    # -- nodes ----------------------------------------------------------------------
    def value(self, node: Node) -> str:
        """Emit what computes ``node``; the expression (a temporary, a constant or a
        Python local that nothing reassigns) that then holds its value."""
        if self.depth < MAX_NEST:
            if type(node) is Lam:  # the same Lambda every time
                return self.name("_k", self.comp.closure(node)())
            if type(node) is Const:
                return self.const(node)
            if type(node) is Var:
                return self.var(node)
            if generated(node):
                return getattr(self, type(node).__name__.lower())(node)
        fn = expression(self.comp, node) if generated(node) else self.comp.closure(node)
        t = self.name("t")
        self.emit(f"{t} = {self.name('_c', fn)}()")
        return t

    def const(self, node: Const) -> str:
        v = self.comp.k.from_literal(node.value)
        if type(v) is KDict:  # a fresh dictionary each time
            t = self.name("t")
            self.emit(f"{t} = {self.name('_c', self.comp.closure(node))}()")
            return t
        n = self.name("_k", v)
        if type(v) is int:
            self.ints.add(n)
        return n

    def var(self, node: Var) -> str:
        comp = self.comp
        key = comp.local(node.name)
        if key is not None and key in self.pylocals:
            py = self.pylocals[key]
            if py in self.readonly:
                return py
            t = self.name("t")
            self.emit(f"{t} = {py}")
            self.emit(f"if {t} is MISSING:")
            w, e = self.name("_w", comp.located(node)), self.name("_e", comp.unbound(node.name, key))
            self.emit(f"    raise {w}(KlongError({e}))")
            return t
        if key is not None:
            return self.read(node, key, comp.unbound(node.name, key))
        if node.name == ".f" and comp.scopes:
            return self.name("_k", comp.scopes[-1].lam)
        name, fallback = comp.resolve(node.name)
        if fallback is not None or name == ".f":  # a module's name, or .f outside: the closure's rule
            t = self.name("t")
            self.emit(f"{t} = {self.name('_c', comp.closure(node))}()")
            return t
        return self.read(node, name, f"undefined: {name}")

    def read(self, node: Node, key: str, message: str) -> str:
        t = self.name("t")
        self.emit("try:")
        self.emit(f"    {t} = G[{self.name('_n', key)}]")
        self.emit("except KeyError:")
        w, e = self.name("_w", self.comp.located(node)), self.name("_e", message)
        self.emit(f"    raise {w}(KlongError({e})) from None")
        return t

    def define(self, node: Dyad) -> str:
        key, also = self.comp.target(node)
        v = self.value(node.right)
        if self.comp.verbs.settles:  # a lazy backend: the kept value's plan stays short
            t = self.name("t")
            self.emit(f"{t} = {self.name('_k', self.comp.verbs.keep)}({v})")
            v = t
        if key in self.pylocals:
            self.emit(f"{self.pylocals[key]} = {v}")
            return v
        self.emit(f"G[{self.name('_n', key)}] = {v}")
        if also is not None:
            self.emit(f"G[{self.name('_n', also)}] = {v}")
        return v

    def dyad(self, node: Dyad) -> str:
        op = node.verb.op
        if op == "::":
            return self.define(node)
        if op == "," and _is_op(node.right, ","):
            return self.insert(node)
        f = self.comp.verbs.dyads.get(op)
        if f is None:
            raise self.comp.located(node)(KlongError(f"{op}: no dyadic form"))
        b = self.value(node.right)
        a = self.value(node.left)
        t = self.name("t")
        fn = self.name("_d", f)
        inline = INLINE_INT.get(op)
        if op == "?":  # a dictionary looked up by an integer key: no general hashing
            self.emit(f"if type({a}) is KDict and type({b}) is int:")
            self.emit(f"    {t} = {a}.d.get({b})")
            self.emit(f"    {t} = UNDEFINED if {t} is None else {t}[1]")
            self.emit("else:")
        elif inline is not None:
            bounded = op == "*"
            checks = [f"type({x}) is int" + (f" and BIG_LO < {x} < BIG_HI" if bounded else "")
                      for x in (a, b) if x not in self.ints]
            if not checks:
                self.emit(f"{t} = {inline.format(a=a, b=b)}")
                return t
            self.emit(f"if {' and '.join(checks)}:")
            self.emit(f"    {t} = {inline.format(a=a, b=b)}")
            self.emit("else:")
        else:
            self.guarded(f"{t} = {fn}({a}, {b})", node, op)
            return t
        self.depth += 1
        self.guarded(f"{t} = {fn}({a}, {b})", node, op)
        self.depth -= 1
        return t

    def insert(self, node: Dyad) -> str:
        """``d,k,v``: two integers put into a dictionary without building the pair
        (joining two integers cannot fail, so deferring it changes nothing)."""
        pair = node.right
        q = self.value(pair.right)
        p = self.value(pair.left)
        r, t = self.name("t"), self.name("t")
        self.emit(f"if type({p}) is int and type({q}) is int:")
        self.emit(f"    {r} = None")
        self.emit("else:")
        self.depth += 1
        self.guarded(f"{r} = join({p}, {q})", pair, ",")
        self.depth -= 1
        a = self.value(node.left)
        self.emit(f"if {r} is None and type({a}) is KDict:")
        self.emit(f"    {a}.d[{p}] = ({p}, {q})")
        self.emit(f"    {t} = {a}")
        self.emit("else:")
        self.depth += 1
        self.emit(f"if {r} is None:")
        self.emit(f"    {r} = join({p}, {q})")
        self.guarded(f"{t} = join({a}, {r})", node, ",")
        self.depth -= 1
        return t

    def monad(self, node: Monad) -> str:
        op = node.verb.op
        f = self.comp.verbs.monads.get(op)
        if f is None:
            raise self.comp.located(node)(KlongError(f"{op}: no monadic form"))
        a = self.value(node.arg)
        t = self.name("t")
        self.guarded(f"{t} = {self.name('_m', f)}({a})", node, op)
        return t

    def cond(self, node: Cond) -> str:
        p = self.value(node.pred)
        t = self.name("t")
        self.emit(f"if ({p} != 0 if type({p}) is int else truth({p})):")
        for branch, line in ((node.then, "else:"), (node.other, None)):
            self.depth += 1
            self.emit(f"{t} = {self.value(branch)}")
            self.depth -= 1
            if line:
                self.emit(line)
        return t

    def apply(self, node: Apply) -> str:
        f = self.value(node.fn)
        args = [None if a is None else self.value(a) for a in node.args]
        t = self.name("t")
        vals = "[" + ", ".join("None" if a is None else a for a in args) + "]"
        if None in args:
            self.guarded(f"{t} = project({f}, {vals})", node, "call")  # located KlongErrors
            return t
        self.emit("try:")
        self.emit(f"    if type({f}) is Lambda and {f}.arity == {len(args)}:")
        self.emit(f"        {t} = {f}.fn({', '.join(args)})")
        self.emit("    else:")
        self.emit(f"        {t} = apply({f}, {vals})")
        self.emit("except Exception as e:")
        self.emit(f"    raise failure(e, {self.name('_w', self.comp.located(node))}, 'call') from None")
        return t


def _is_op(node: Node, op: str) -> bool:
    return type(node) is Dyad and isinstance(node.verb, OpVerb) and node.verb.op == op


def project(f: Any, vals: list) -> Projection:
    if not isinstance(f, KFunction):
        raise KlongError("projection of a value that is not a function")
    if f.arity != len(vals):
        raise KlongError(f"arity error: {f.kind_name} projected onto {len(vals)} arguments")
    return Projection(f, vals)


COUNT = ["guard.countdown -= 1", "if guard.countdown <= 0:", "    guard.check()"]


def expression(comp: Compiler, node: Node) -> Callable[[], Any]:
    """A zero-argument function computing ``node``."""
    src = Source(comp)
    result = src.value(node)
    return src.function("def _f():", [], result)


def body(comp: Compiler, stmts: list[Node]) -> Callable[[], Any]:
    """A function body that counts one step, then runs its statements."""
    src = Source(comp)
    return src.function("def _f():", COUNT, _statements(src, stmts))


def call(comp: Compiler, stmts: list[Node], params: tuple[str, ...],
         locals_: tuple[str, ...], readonly: tuple[str, ...]) -> Callable[[list], Any]:
    """A function taking its arguments one by one, which keeps them and its
    locals in Python locals; ``readonly``: the arguments no statement can
    assign (not listed as locals)."""
    names = {key: f"_v{i}" for i, key in enumerate(params + locals_)}
    src = Source(comp, names, frozenset(names[p] for p in readonly))
    prologue = [f"{names[a]} = MISSING" for a in locals_]
    header = f"def _f({', '.join(names[p] for p in params)}):"
    return src.function(header, prologue + COUNT, _statements(src, stmts))


def _statements(src: Source, stmts: list[Node]) -> str:
    if not stmts:
        return "[]"
    result = "None"
    for s in stmts:
        result = src.value(s)
    return result

