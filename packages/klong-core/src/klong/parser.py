"""Tokens -> syntax tree, following the grammar of the reference manual.

The parser hands out one top-level expression at a time (``next_statement``)
so that a program can be run while it is read: a module opened by one
expression changes how the next one is compiled, and ``.comment`` skips raw
lines."""

from __future__ import annotations

from typing import Any

from . import lexer as L
from .errors import KlongError, KlongIncomplete
from .nodes import (AdvVerb, Apply, Cond, Const, Dyad, ExprVerb, Lam, Monad, Node,
                    OpVerb, Var)
from .values import Symbol

_CLOSERS = {L.RPAR: "')'", L.RBRK: "']'", L.RBRC: "'}'"}
# adverbs of dyadic verbs: the manual lets them start a chain of adverbs only,
# since a verb with an adverb is a monad (kg: "monad expected in chained adverb")
_DYADIC_ADVERBS = frozenset(("/", "\\", ":\\", ":'", ":/"))


class Parser:
    def __init__(self, src: str, pos: int = 0):
        self.src = src
        self.lx = L.Lexer(src, pos)
        self.buf: list[L.Token] = []
        self.tok = self._pull()
        self.scopes: list[set] = []  # x/y/z seen in each enclosing function literal

    # -- token plumbing -------------------------------------------------------
    def _pull(self) -> L.Token:
        return self.buf.pop(0) if self.buf else self.lx.next()

    def advance(self) -> L.Token:
        t = self.tok
        self.tok = self._pull()
        return t

    def peek(self) -> L.Token:
        if not self.buf:
            self.buf.append(self.lx.next())
        return self.buf[0]

    def error(self, msg: str, tok: L.Token | None = None) -> KlongError:
        tok = tok or self.tok
        if tok.kind == L.END:
            if self.lx.opened:  # point at what was left open, not at the end
                o = self.lx.opened[-1]
                return KlongIncomplete(f"syntax error: unexpected end of input: {o.value} is not closed",
                                       o.pos, self.src)
            detail = "" if msg.startswith("unexpected") else f", {msg}"
            return KlongIncomplete(f"syntax error: unexpected end of input{detail}", tok.pos, self.src)
        return KlongError(f"syntax error: {msg}", tok.pos, self.src)

    def expect(self, kind: str, what: str) -> L.Token:
        if self.tok.kind != kind:
            raise self.error(f"expected {what}")
        return self.advance()

    def at_semi(self) -> bool:
        return self.tok.kind == L.SEMI and self.tok.value == ";"

    # -- programs -------------------------------------------------------------
    def next_statement(self) -> Node | None:
        """The next top-level expression, or None at the end of the source."""
        while self.tok.kind == L.SEMI:
            self.advance()
        if self.tok.kind == L.END:
            return None
        node = self.expr()
        if self.tok.kind not in (L.SEMI, L.END):
            raise self.error(f"unexpected {self.describe(self.tok)}")
        return node

    def resume_offset(self) -> int:
        """Where raw reading would continue after the current statement."""
        return self.tok.pos if self.tok.kind != L.SEMI else self.tok.end

    def skip_to(self, pos: int) -> None:
        self.buf.clear()
        self.lx.pos = pos
        self.lx.opened.clear()
        self.tok = self._pull()

    @staticmethod
    def describe(tok: L.Token) -> str:
        if tok.kind == L.END:
            return "end of input"
        if tok.kind in (L.LIST, L.DICT):
            return f"{'list' if tok.kind == L.LIST else 'dictionary'} literal"
        return f"{tok.kind} {tok.value!r}" if tok.kind in (L.NUM, L.SYM, L.STR) else repr(tok.value)

    def body(self) -> list[Node]:
        """A function's expressions, separated by ';', up to (not including) its
        '}'. As in kg, none is empty: ``{}``, ``{;1}``, ``{1;}`` are errors."""
        body: list[Node] = []
        while True:
            if self.tok.kind in (L.SEMI, L.RBRC):
                raise self.error(f"an expression expected before {self.describe(self.tok)}: "
                                 "a function has no empty expression")
            body.append(self.expr())
            if self.tok.kind == L.RBRC:
                return body
            if self.tok.kind != L.SEMI:
                raise self.error(f"unexpected {self.describe(self.tok)}")
            self.advance()

    # -- expressions ------------------------------------------------------------
    def expr(self, left: Node | None = None) -> Node:
        if left is None:
            left = self.term()
        if self.starts_verb():
            pos = self.tok.pos
            verb, left_over = self.dyadic_verb()
            if isinstance(verb, AdvVerb) and isinstance(verb.verb, AdvVerb):  # as in kg
                raise KlongError("syntax error: a verb with a chain of adverbs is a monad: "
                                 "it takes no left argument", pos, self.src)
            if left_over is not None:  # `1 f(2)`: f is the verb, (2) starts its operand
                return Dyad(pos, verb, left, self.expr(left_over))
            return Dyad(pos, verb, left, self.expr())
        return left

    def starts_verb(self) -> bool:
        return self.tok.kind in (L.OP, L.SYM, L.LBRC)

    def dyadic_verb(self) -> tuple[Node, Node | None]:
        t = self.tok
        if t.kind == L.OP:
            self.advance()
            return self.adverbs(OpVerb(t.pos, t.value)), None
        if t.kind == L.SYM:
            self.advance()
            base: Node = self.var(t)
        else:
            base = self.function()
        if self.tok.kind == L.LPAR:
            args = self.arguments()
            if any(a is None for a in args):
                base = Apply(base.pos, base, args)
            elif len(args) == 1:
                return self.adverbs(ExprVerb(t.pos, base)), self.postfix(args[0])
            else:
                raise self.error("an argument list cannot follow a dyadic verb", t)
        return self.adverbs(ExprVerb(t.pos, base)), None

    def adverbs(self, verb: Node) -> Node:
        while self.tok.kind == L.ADV:
            t = self.advance()
            if isinstance(verb, AdvVerb) and t.value in _DYADIC_ADVERBS:
                raise self.error(f"monad expected in chained adverb: {t.value} takes a dyadic verb, "
                                 f"and a verb with an adverb is a monad", t)
            verb = AdvVerb(t.pos, verb, t.value)
        return verb

    def term(self) -> Node:
        t = self.tok
        if t.kind == L.OP:
            self.advance()
            verb = self.adverbs(OpVerb(t.pos, t.value))
            if self.tok.kind in (L.SEMI, L.END, L.RPAR, L.RBRK, L.RBRC, L.ELIF):
                raise self.error(f"{t.value} is missing its operand")
            return Monad(t.pos, verb, self.expr())
        f = self.factor()
        if self.tok.kind == L.ADV:  # f'x, {x+y}/x, g(;1)'x: a verb used monadically
            verb = self.adverbs(ExprVerb(f.pos, f))
            return Monad(f.pos, verb, self.expr())
        return f

    def factor(self) -> Node:
        t = self.tok
        k = t.kind
        if k in (L.NUM, L.CHAR, L.STR, L.QSYM):
            self.advance()
            return Const(t.pos, t.value)
        if k == L.SYM:
            self.advance()
            return self.postfix(self.var(t))
        if k == L.LPAR:
            self.advance()
            inner = self.expr()
            self.expect(L.RPAR, "')'")
            return self.postfix(inner, again=False)
        if k == L.LBRC:
            return self.postfix(self.function())
        if k == L.LIST:
            self.advance()
            return Const(t.pos, t.value)
        if k == L.DICT:
            return self.advance().value
        if k == L.COND:
            self.advance()
            return self.conditional(t.pos)
        raise self.error(f"unexpected {self.describe(t)}")

    def var(self, t: L.Token) -> Var:
        if t.value in ("x", "y", "z") and self.scopes:
            self.scopes[-1].add(t.value)
        return Var(t.pos, t.value)

    def postfix(self, node: Node, again: bool = True) -> Node:
        """An argument list after ``node``, as kg reads them: an application's
        value takes no second list, a projection's (``f(1;)(2)``) one more
        without empty slots, where ``again`` (``node`` a name or a function)."""
        if self.tok.kind != L.LPAR:
            return node
        node = Apply(self.tok.pos, node, self.arguments())
        if again and None in node.args and self.tok.kind == L.LPAR:
            t = self.tok
            node = Apply(t.pos, node, self.arguments())
            if None in node.args:
                raise self.error("a projection is not projected again in one expression: "
                                 "name it first (g::f(1;;);g(;3))", t)
        if self.tok.kind == L.LPAR:
            raise self.error("an application's value takes no argument list in the same "
                             "expression: name it first (g::f(1);g(2))")
        return node

    def arguments(self) -> list:
        """'(' [e] (';' [e])* ')' -- an empty slot (None) makes a projection."""
        opening = self.advance()
        if self.tok.kind == L.RPAR:
            self.advance()
            return []
        args: list = []
        while True:
            if self.at_semi() or self.tok.kind == L.RPAR:
                args.append(None)
            else:
                args.append(self.expr())
            if self.tok.kind == L.RPAR:
                self.advance()
                break
            if not self.at_semi():
                raise self.error("expected ';' or ')' in an argument list")
            self.advance()
        if len(args) > 3:
            raise self.error("a function takes at most three arguments")
        if len(args) > 1 and all(a is None for a in args):
            raise self.error("too few arguments in projection: it needs at least one", opening)
        return args

    def function(self) -> Lam:
        start = self.advance()
        self.scopes.append(set())
        local_names: list[str] = []
        first: Node | None = None
        if self.tok.kind == L.LIST:
            t = self.advance()
            if self.at_semi() and all(isinstance(i, Symbol) for i in t.value):
                local_names = local_variables(t.value)
                self.advance()
            else:
                first = self.expr(self.postfix(Const(t.pos, t.value), again=False))
                if self.tok.kind not in (L.SEMI, L.RBRC):
                    raise self.error(f"unexpected {self.describe(self.tok)}")
        if first is None:
            body = self.body()
        elif self.tok.kind == L.SEMI:
            self.advance()
            body = [first, *self.body()]
        else:
            body = [first]
        end = self.expect(L.RBRC, "'}'")
        used = self.scopes.pop() - set(local_names)  # a local x is no argument (as in kg)
        arity = 3 if "z" in used else 2 if "y" in used else 1 if "x" in used else 0
        return Lam(start.pos, body, arity, local_names, self.src[start.pos:end.end])

    def conditional(self, pos: int) -> Cond:
        pred = self.expr()
        self.expect(L.SEMI, "';' in a conditional")
        then = self.expr()
        if self.tok.kind == L.ELIF:
            t = self.advance()
            return Cond(pos, pred, then, self.conditional(t.pos))
        self.expect(L.SEMI, "';' or ':|' in a conditional")
        other = self.expr()
        self.expect(L.RBRK, "']' closing the conditional")
        return Cond(pos, pred, then, other)

    def datum(self) -> Any:
        """One data object, as ``.r`` and ``.rs`` read it: a number (a leading
        '-' allowed), character, string, symbol, list or dictionary."""
        t = self.tok
        k = t.kind
        if k == L.OP and t.value == "-" and self.peek().kind == L.NUM and self.peek().pos == t.end:
            self.advance()
            return -self.advance().value
        if k in (L.NUM, L.CHAR, L.STR, L.QSYM):
            return self.advance().value
        if k == L.SYM:
            return Symbol(self.advance().value)
        if k in (L.LIST, L.DICT):
            return self.advance().value
        raise self.error(f"unexpected {self.describe(t)}, expected a data object")


def local_variables(items: list[Symbol]) -> list[str]:
    """The locals a function's ``[...];`` declares: its names (kg also takes
    ``[a;b]`` and ``[a,b]``, whose ``;`` and ``,`` no text could name)."""
    return [i.name for i in items if i.name[0] in L.SYM_START]


def parse(src: str) -> list[Node]:
    """All top-level expressions of ``src`` (for tools and tests)."""
    p, out = Parser(src), []
    while (n := p.next_statement()) is not None:
        out.append(n)
    return out
