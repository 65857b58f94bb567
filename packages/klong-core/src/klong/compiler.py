"""Tree -> Python closures. Each node becomes a zero-argument function that
computes its value; operators are looked up once, here, not on every run.

Names are resolved here, once, as the reference interpreter does: lexically.
A function's x, y, z and locals are renamed to keys of their own (``a`3``),
which a function literal written inside it reads and assigns too; every other
name is a global (or a module's). The keys live in the one dictionary of
globals, bound when the function is called and restored when it returns, so
a variable read is one dictionary access, recursion gets a fresh binding per
call, and a local outlives no call (functions are not closures).
"""

from __future__ import annotations

from itertools import count
from typing import Any, Callable

from .errors import KlongError
from .nodes import (AdvVerb, Apply, Cond, Const, DictLit, Dyad, ExprVerb, Lam, Monad, Node,
                    OpVerb, Var)
from .values import KDict, KFunction, Lambda, Symbol
from . import codegen
from .codegen import MISSING, failure
from .wholeform import whole_form

PARAMS = ("x", "y", "z")


class Scope:
    """What one function literal binds: its arguments and locals, each renamed
    to a key of its own (``a`3``), and the Lambda that ``.f`` is in its text."""

    def __init__(self, serial: int, params: tuple[str, ...], local_names: list[str], lam: Lambda):
        self.locals = tuple(dict.fromkeys(local_names))
        self.keys = {name: f"{name}`{serial}" for name in params + self.locals}
        self.lam = lam


class Module:
    """An open ``.module(:name)``: names defined in it are private to it."""

    def __init__(self, name: str, existing: set[str]):
        self.name = name
        self.members: set[str] = set()
        self.existing = existing  # names defined when the module was opened

    def qualify(self, name: str) -> str:
        return f"{name}`{self.name}"


class Compiler:
    def __init__(self, interp: Any):
        self.k = interp
        self.G = interp.globals
        self.verbs = interp.verbs
        self.adverbs = interp.adverbs
        self.src = ""
        self.origin: str | None = None
        self.scopes: list[Scope] = []  # the lambdas being compiled, innermost last
        self.serial = count()  # numbers the keys of each lambda's names
        self.fast = interp.fast_paths  # else closures only: the plain evaluator

    def compile(self, node: Node, src: str, origin: str | None = None) -> Callable[[], Any]:
        self.src, self.origin = src, origin
        return self.c(node)

    def c(self, node: Node) -> Callable[[], Any]:
        if self.fast and codegen.generated(node):
            return codegen.expression(self, node)
        return self.closure(node)

    def closure(self, node: Node) -> Callable[[], Any]:
        """``node`` as a closure (its operands compiled by ``c``)."""
        return getattr(self, "c_" + type(node).__name__)(node)

    def located(self, node: Node) -> Callable[[KlongError], KlongError]:
        pos, src, origin = node.pos, self.src, self.origin
        return lambda e: e.locate(pos, src, origin)

    # -- leaves ----------------------------------------------------------------
    def c_Const(self, node: Const) -> Callable[[], Any]:
        v = self.k.from_literal(node.value)
        if type(v) is KDict:
            return self.c_DictLit(DictLit(node.pos, list(v.d.values())))
        return lambda: v

    def c_DictLit(self, node: DictLit) -> Callable[[], Any]:
        lit = self.k.from_literal
        pairs = [(lit(k), lit(v)) for k, v in node.pairs]
        hkey = self.verbs.hkey
        def make() -> KDict:
            return KDict({hkey(k): (k, v) for k, v in pairs})
        return make

    def local(self, name: str) -> str | None:
        """The key of ``name`` if it is an argument or local of a lambda around this
        point of the text (the innermost one that binds it), else None."""
        for scope in reversed(self.scopes):
            key = scope.keys.get(name)
            if key is not None:
                return key
        return None

    def resolve(self, name: str) -> tuple[str, str | None]:
        """The name a global reference reads: (primary, fallback) under an open module."""
        mod = self.k.module
        if mod is None or name in PARAMS or name.startswith("."):
            return name, None
        if name in mod.members or name not in mod.existing:
            return mod.qualify(name), name
        return name, None

    def c_Var(self, node: Var) -> Callable[[], Any]:
        G = self.G
        where = self.located(node)
        key = self.local(node.name)
        if key is not None:
            return _read_local(G, key, where, self.unbound(node.name, key))
        if node.name == ".f":
            if self.scopes:
                lam = self.scopes[-1].lam  # the function whose text this is
                return lambda: lam
            return lambda: G.get(".f", [])  # kg: outside any function, .f is []
        name, fallback = self.resolve(node.name)
        if fallback is None:
            def get() -> Any:
                try:
                    return G[name]
                except KeyError:
                    raise where(KlongError(f"undefined: {name}")) from None
            return get
        def get_mod() -> Any:
            v = G.get(name, MISSING)
            if v is MISSING:
                v = G.get(fallback, MISSING)
                if v is MISSING:
                    raise where(KlongError(f"undefined: {fallback}"))
            return v
        return get_mod

    def unbound(self, name: str, key: str) -> str:
        """The error for reading the local ``name`` (stored as ``key``) unassigned."""
        return _unbound(name, self.scopes[-1].keys.get(name) == key)

    def storage(self) -> Callable[[str], str]:
        """Where each name, as this point of the text sees it, is stored: for
        names only known at run time (the symbols given to ``:>``)."""
        scopes, mod = [s.keys for s in self.scopes], self.k.module
        G = self.G

        def key(name: str) -> str:
            for scope in reversed(scopes):
                if name in scope:
                    return scope[name]
            if mod is None or name.startswith("."):
                return name
            q = mod.qualify(name)
            return q if q in G else name
        return key

    # -- definitions -----------------------------------------------------------
    def target(self, node: Dyad) -> tuple[str, str | None]:
        """Where a definition ``name::value`` stores: (key, also a global name or None)."""
        target = node.left
        if not isinstance(target, Var):
            raise self.located(node)(KlongError("::: the left side of a definition must be a variable"))
        name = target.name
        if name in PARAMS and self.scopes and name not in self.scopes[-1].locals:
            raise self.located(node)(KlongError(f"::: {name} is read-only"))  # plain globals outside functions
        key = self.local(name)
        mod = self.k.module
        if key is not None:
            return key, None
        if (mod is not None and not name.startswith(".")
                and (not self.scopes or name in mod.members or name not in mod.existing)):
            # inside a function, a name defined outside before the module opened
            # (and not by the module) stays that outside variable, as references do
            mod.members.add(name)
            # module top level: a::1 is a`m::1; a::a`m
            return mod.qualify(name), None if self.scopes else name
        return name, None

    def c_Lam(self, node: Lam) -> Callable[[], Any]:
        lam = Lambda(node.arity, _uncompiled, node.src)
        scope = Scope(next(self.serial), PARAMS[:node.arity], node.local_names, lam)
        params = tuple(scope.keys[p] for p in PARAMS[:node.arity])
        locals_ = tuple(scope.keys[a] for a in scope.locals if a not in PARAMS[:node.arity])
        # .f in this text is lam itself (compiled below); only text evaluated at
        # run time (.E, .l) needs .f bound, and binding it costs every call
        binds_f = ".E" in node.src or ".l" in node.src
        self.scopes.append(scope)
        try:
            if not self.fast:
                fn = _binder(self.G, lam, params, locals_, self.body(node.body), binds_f)
            elif not binds_f and all(codegen.self_contained(s) for s in node.body):
                readonly = tuple(scope.keys[p] for p in PARAMS[:node.arity] if p not in scope.locals)
                fn = codegen.call(self, node.body, params, locals_, readonly)
            else:
                fn = _binder(self.G, lam, params, locals_, codegen.body(self, node.body), binds_f)
            lam.fn = fn
            lam.call = lambda args: fn(*args)
            lam.whole = whole_form(node, self.c, lam.call, self.verbs) if self.fast else None
        finally:
            self.scopes.pop()
        return lambda: lam

    # -- the plain evaluator's closures (codegen.py writes these nodes otherwise) --
    def body(self, stmts: list[Node]) -> Callable[[], Any]:
        """A function body that counts one step, then runs its statements."""
        run = [self.c(s) for s in stmts]
        guard = self.k.guard
        def counted() -> Any:
            guard.countdown -= 1
            if guard.countdown <= 0:
                guard.check()
            value: Any = []
            for r in run:
                value = r()
            return value
        return counted

    def c_define(self, node: Dyad) -> Callable[[], Any]:
        key, also = self.target(node)
        value, keep, G = self.c(node.right), self.verbs.keep, self.G
        def define() -> Any:
            v = G[key] = keep(value())
            if also is not None:
                G[also] = v
            return v
        return define

    def c_Cond(self, node: Cond) -> Callable[[], Any]:
        p, t, o = self.c(node.pred), self.c(node.then), self.c(node.other)
        truth = self.verbs.truth
        return lambda: t() if truth(p()) else o()

    def c_Apply(self, node: Apply) -> Callable[[], Any]:
        fn = self.c(node.fn)
        parts = [None if a is None else self.c(a) for a in node.args]
        where, apply = self.located(node), self.k.apply
        projects = None in parts
        def call() -> Any:
            f = fn()
            vals = [None if p is None else p() for p in parts]
            try:
                return codegen.project(f, vals) if projects else apply(f, vals)
            except Exception as e:  # noqa: BLE001 - every failure becomes a located Klong error
                raise failure(e, where, "call") from None
        return call

    def c_operator(self, node: Dyad) -> Callable[[], Any]:
        op = node.verb.op
        f = self.verbs.dyads.get(op)
        if f is None:
            raise self.located(node)(KlongError(f"{op}: no dyadic form"))
        right, left, where = self.c(node.right), self.c(node.left), self.located(node)
        def run() -> Any:
            b = right()
            a = left()
            try:
                return f(a, b)
            except Exception as e:  # noqa: BLE001 - every failure becomes a located Klong error
                raise failure(e, where, op) from None
        return run

    def verb(self, node: Node) -> Callable[[], tuple]:
        """A closure giving (monadic, dyadic, op) callables for a verb node."""
        k = self.k
        if isinstance(node, OpVerb):
            op = node.op
            m = self.verbs.monads.get(op) or _no_form(op, "monadic")
            d = self.verbs.dyads.get(op) or _no_form(op, "dyadic")
            pair = (m, d, op)
            return lambda: pair
        if isinstance(node, ExprVerb):
            ev = self.c(node.expr)
            apply_adv = k.apply_adverb
            def fn_pair() -> tuple:
                f = ev()
                if not isinstance(f, KFunction):
                    raise KlongError("a verb must be a function")
                if type(f) is Lambda and f.arity == 1:  # skip the arity checks per element
                    return (f.fn, lambda a, b: apply_adv(f, [a, b]), f.whole)
                if type(f) is Lambda and f.arity == 2:
                    return (lambda a: apply_adv(f, [a]), f.fn, None)
                return (lambda a: apply_adv(f, [a]), lambda a, b: apply_adv(f, [a, b]), None)
            return fn_pair
        assert isinstance(node, AdvVerb)
        inner = self.verb(node.verb)
        adv = node.adverb
        mon = self.adverbs.monadic.get(adv)
        dya = self.adverbs.dyadic.get(adv)
        def adv_pair() -> tuple:
            m0, d0, op0 = inner()
            m = (lambda a: mon(m0, d0, op0, a)) if mon else _no_form(adv, "monadic")
            d = (lambda a, b: dya(m0, d0, op0, a, b)) if dya else _no_form(adv, "dyadic")
            return (m, d, None)
        return adv_pair

    def c_Monad(self, node: Monad) -> Callable[[], Any]:
        """An adverb-modified verb or a function applied monadically (codegen.py
        writes operators)."""
        arg = self.c(node.arg)
        where = self.located(node)
        base = node.verb
        while isinstance(base, AdvVerb):
            base = base.verb
        if isinstance(base, OpVerb) and base.op not in self.verbs.monads:
            raise where(KlongError(f"{base.op}: no monadic form"))  # as kg: :=/x too
        verb = self.verb(node.verb)
        name = _verb_name(node.verb)
        def run_verb() -> Any:
            try:
                m = verb()[0]
                return m(arg())
            except Exception as e:  # noqa: BLE001 - every failure becomes a located Klong error
                raise failure(e, where, name) from None
        return run_verb

    def c_Dyad(self, node: Dyad) -> Callable[[], Any]:
        """A gradient operator, or a verb that is not an operator (codegen.py
        writes operators)."""
        v = node.verb
        if isinstance(v, OpVerb) and v.op == "::":
            return self.c_define(node)
        if isinstance(v, OpVerb) and v.op not in codegen.GRAD_OPS:
            return self.c_operator(node)
        where = self.located(node)
        right = self.c(node.right)
        left = self.c(node.left)
        if isinstance(v, OpVerb) and v.op in codegen.GRAD_OPS:
            from .autograd import compile_grad
            return compile_grad(self.k, v.op, left, right, node.left, node.right, where)
        if isinstance(v, ExprVerb):
            ev = self.c(v.expr)
            apply = self.k.apply
            def run_fn() -> Any:
                b = right()
                a = left()
                f = ev()
                try:
                    return apply(f, [a, b])
                except Exception as e:  # noqa: BLE001 - every failure becomes a located Klong error
                    raise failure(e, where, "call") from None
            return run_fn
        verb = self.verb(v)
        name = _verb_name(v)
        def run_adv() -> Any:
            b = right()
            a = left()
            try:
                return verb()[1](a, b)
            except Exception as e:  # noqa: BLE001 - every failure becomes a located Klong error
                raise failure(e, where, name) from None
        return run_adv


def _verb_name(v: Node) -> str:
    if isinstance(v, OpVerb):
        return v.op
    if isinstance(v, AdvVerb):
        return _verb_name(v.verb) + v.adverb
    if isinstance(v, ExprVerb) and isinstance(v.expr, Var):
        return v.expr.name
    return "function"


def _no_form(op: str, form: str) -> Callable:
    def fail(*_: Any) -> Any:
        raise KlongError(f"{op}: no {form} form")
    return fail


def _unbound(name: str, own: bool) -> str:
    if own:
        return f"undefined: {name} (a local variable not assigned yet)"
    return (f"undefined: {name} (a local of an enclosing function, which has not "
            "assigned it or has returned: functions are not closures)")


def _read_local(G: dict, key: str, where: Callable[[KlongError], KlongError],
                message: str) -> Callable[[], Any]:
    def get() -> Any:
        try:
            return G[key]
        except KeyError:
            raise where(KlongError(message)) from None
    return get


def _uncompiled(*_: Any) -> Any:
    raise KlongError("a function called while it is being compiled")


def _binder(G: dict, lam: Lambda, params: tuple, locals_: tuple, body: Callable[[], Any],
            binds_f: bool) -> Callable:
    """The call of a lambda, its arguments one by one: bind its arguments'
    keys, unbind its locals' keys (a recursive call starts afresh), run,
    restore. The key bindings of the running calls are what functions
    written inside them read. The monad and dyad versions are the general
    ``call`` unrolled: folds, each and recursion run them on every element."""
    get, pop = G.get, G.pop
    if not locals_ and not params and not binds_f:
        return body
    if not locals_ and len(params) == 1 and not binds_f:
        kx = params[0]
        def call_x(x: Any) -> Any:
            ox = get(kx, MISSING)
            G[kx] = x
            try:
                return body()
            finally:
                if ox is MISSING:
                    del G[kx]
                else:
                    G[kx] = ox
        return call_x
    if not locals_ and len(params) == 2 and not binds_f:
        kx, ky = params
        def call_xy(x: Any, y: Any) -> Any:
            ox, oy = get(kx, MISSING), get(ky, MISSING)
            G[kx], G[ky] = x, y
            try:
                return body()
            finally:
                if ox is MISSING:
                    del G[kx]
                else:
                    G[kx] = ox
                if oy is MISSING:
                    del G[ky]
                else:
                    G[ky] = oy
        return call_xy
    names = params + locals_ + ((".f",) if binds_f else ())
    def call(*args: Any) -> Any:
        saved = [pop(n, MISSING) for n in names]  # saved and unbound: locals start so
        G.update(zip(params, args))
        if binds_f:
            G[".f"] = lam
        try:
            return body()
        finally:
            for n, v in zip(names, saved):
                if v is MISSING:
                    pop(n, None)
                else:
                    G[n] = v
    return call


__all__ = ["Compiler", "Module", "Symbol"]
