"""Grade (``<``, ``>``) in the reference interpreter's order, ties included.

kg sorts with a Shell sort: gaps ``n/2``, then each gap halved, a gap that is
a power of two of at least 4 taken one less; each pass insertion-sorts every
chain of positions ``r, r+h, r+2h, ...`` and moves an element left past every
element not less than it. So a pass sorts each chain by value with equal
values in reverse order of position, and equal elements leave the sort in an
order of their own, which no stable sort gives (``>"foobar"`` is
``[5 2 1 0 3 4]``). We make the same passes, each as one sort of unique keys
(chain, value rank, reversed step) on the backend, whose sorted order
lays the chains out one after another; short lists run the
algorithm itself in Python.
"""

from __future__ import annotations

from typing import Any

SMALL = 32  # below this length the Python loop beats the backend's passes


def gaps(n: int) -> list[int]:
    """kg's gap sequence for ``n`` elements."""
    out, h = [], n // 2
    while h > 0:
        h = h - 1 if h >= 4 and h & (h - 1) == 0 else h
        out.append(h)
        h //= 2
    return out


def shell_order_py(rank: list[int]) -> list[int]:
    """kg's sort order of ``rank`` (comparable keys), by kg's own loop."""
    nv = list(range(len(rank)))
    for h in gaps(len(rank)):
        for i in range(h, len(nv)):
            j = i - h
            while j >= 0 and not rank[nv[j]] < rank[nv[j + h]]:
                nv[j], nv[j + h] = nv[j + h], nv[j]
                j -= h
    return nv


def shell_order(B: Any, rank: Any, R: int) -> Any:
    """kg's sort order of ``rank``, a kind "i" vector of ranks in ``0..R-1``,
    as a backend vector: each pass is one argsort."""
    n = rank.shape[0]
    pos = B.arange(n)
    perm = pos
    for h in gaps(n):
        m = -(-n // h)            # the longest chain's length
        full = n - (m - 1) * h    # chains 0..full-1 have m elements, the rest m-1
        k = pos // h              # position p is step k of chain c
        c = pos - k * h
        src = B.argsort(c * (R * m) + rank * m + (m - 1 - k))  # chain-major, sorted
        take = src[c * (m - 1) + B.minimum(c, full) + k]       # chain c starts there
        perm, rank = perm[take], rank[take]
    return perm


def grade_ranks(B: Any, rank: list[int], desc: bool) -> Any:
    """kg's grade of values given by ranks (Python ints: equal values, equal
    ranks), as a backend vector."""
    top = max(rank, default=0)
    return _order(B, [top - v for v in rank] if desc else rank, top)


def grade_array(B: Any, a: Any, desc: bool) -> Any:
    """kg's grade of a non-empty numeric vector, on the backend: one argsort
    when no two elements are equal, kg's passes over dense ranks otherwise."""
    order = B.argsort(a)
    s = a[order]
    step = s[1:] != s[:-1]
    if B.all(step):               # no ties: every sort gives kg's order
        return B.flip(order) if desc else order
    ranked = B.concat([B.asarray([0], "i"), B.scan("sum", B.to_int(step))])
    rank = ranked[B.argsort(order)]
    top = B.scalar(ranked[-1])
    return _order(B, top - rank if desc else rank, top)


def _order(B: Any, rank: Any, top: int) -> Any:
    """kg's sort order of ``rank`` (a list or a kind "i" vector of ranks in
    ``0..top``) as a backend vector."""
    if len(rank) < SMALL:
        return B.asarray(shell_order_py(rank if type(rank) is list else B.tolist(rank)), "i")
    return shell_order(B, B.asarray(rank, "i") if type(rank) is list else rank, top + 1)
