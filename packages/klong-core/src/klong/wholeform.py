"""Each over an array as one array operation, where that gives the same result.

``f'a`` calls ``f`` once per element (or row) of ``a``. Two kinds of monad
give the same result when applied to the whole array at once, which the
compiler recognises in a function literal's text and the Each adverb uses:

- rank-polymorphic bodies: built only from the atomic verbs listed below, applied to
  ``x`` and to numbers (literals, or variables holding a number when Each
  runs). Atomic verbs act element by element at any rank, so ``f`` of the
  matrix is the matrix of ``f`` of each row: ``{(x*x)+1}'M`` is ``(M*M)+1``.
- the inner product ``{+/x*b}`` (or ``{+/b*x}``) over the rows of an integer
  matrix, ``b`` an integer vector or matrix whose length matches the rows:
  the library's matrix product, taken only when no sum can leave int64 (the
  same bound the exact arithmetic uses). Reals keep the per-row path: a
  library's matrix product sums in its own order (and may fuse multiplies),
  which differs from ``+/`` in the last bits.

Anything else (a free variable holding a list, a string, other verbs) keeps
the one-call-per-element path. Left out on purpose: division (a number over
zero is :undefined, an array over zero holds inf), power (a library's ``pow``
may round differently from Python's), minimum and maximum (on an integer and
a real they give whichever number wins, type and all).
"""

from __future__ import annotations

from typing import Any, Callable

from .nodes import AdvVerb, Const, Dyad, Lam, Monad, Node, OpVerb, Var

WHOLE_MONADS = frozenset({"-", "~"})
WHOLE_DYADS = frozenset({"+", "-", "*", "<", ">", "="})
I64_MAX = 2**63 - 1

WholeForm = Callable[[Any], Any]  # the whole array -> the result, or None: not applicable


def free_names(node: Node) -> list[Var] | None:
    """The variables other than ``x`` that a rank-polymorphic body reads, or
    None when the body is not rank-polymorphic."""
    if isinstance(node, Var):
        return [] if node.name == "x" else [node]
    if isinstance(node, Const):
        return [] if type(node.value) in (int, float) else None
    if isinstance(node, Monad) and isinstance(node.verb, OpVerb) and node.verb.op in WHOLE_MONADS:
        return free_names(node.arg)
    if isinstance(node, Dyad) and isinstance(node.verb, OpVerb) and node.verb.op in WHOLE_DYADS:
        left, right = free_names(node.left), free_names(node.right)
        return None if left is None or right is None else left + right
    return None


def inner_product_operand(node: Node) -> Var | None:
    """``b`` when the body is ``+/x*b`` or ``+/b*x``, else None."""
    if not (isinstance(node, Monad) and isinstance(node.verb, AdvVerb)
            and node.verb.adverb == "/" and isinstance(node.verb.verb, OpVerb)
            and node.verb.verb.op == "+" and isinstance(node.arg, Dyad)
            and isinstance(node.arg.verb, OpVerb) and node.arg.verb.op == "*"):
        return None
    left, right = node.arg.left, node.arg.right
    if not (isinstance(left, Var) and isinstance(right, Var)) or (left.name == "x") == (right.name == "x"):
        return None
    return right if left.name == "x" else left


def whole_form(node: Lam, compile_var: Callable[[Var], Callable[[], Any]],
               call: Callable[[list], Any], verbs: Any) -> WholeForm | None:
    """The whole-array form of a monad literal, or None. ``compile_var``
    compiles a variable as the literal's body reads it; ``call`` calls it."""
    if node.arity != 1 or node.local_names or len(node.body) != 1:
        return None
    body = node.body[0]
    operand = inner_product_operand(body)
    if operand is not None:
        return _inner_product(compile_var(operand), verbs)
    names = free_names(body)
    if names is None:
        return None
    getters = [compile_var(v) for v in names]
    AT = verbs.AT

    def whole(a: Any) -> Any:
        for get in getters:
            try:
                v = get()
            except Exception:  # noqa: BLE001 - the general path reports it
                return None
            if not (type(v) in (int, float) or (isinstance(v, AT) and v.ndim == 0)):
                return None
        return call([a])
    return whole


def _inner_product(get_b: Callable[[], Any], verbs: Any) -> WholeForm:
    B = verbs.B

    def whole(a: Any) -> Any:
        try:
            b = get_b()
        except Exception:  # noqa: BLE001 - the general path reports it
            return None
        if not (verbs.isarr(b) and a.ndim == 2 and b.ndim in (1, 2) and b.shape[0] == a.shape[1]
                and a.shape[1] and B.kind(a) == B.kind(b) == "i"):
            return None
        if a.shape[1] * verbs.bound(a) * verbs.bound(b) > I64_MAX:
            return None
        return B.matmul(a, b)
    return whole
