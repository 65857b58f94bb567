"""Rebuilding nested lists of any depth without recursion.

Klong lists nest without limit (``100000{,x}:*1``), so code that maps over
nested lists uses an explicit stack: recursion would exhaust Python's stack,
or the C stack under it, long before the reference interpreter gives up.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable


def rebuild(root: Any, items: Callable[[Any], Iterable], nested: Callable[[Any], bool],
            leaf: Callable[[Any], Any], finish: Callable[[list], Any]) -> Any:
    """``finish`` of the list of ``root``'s items, each mapped by ``leaf``, or,
    where ``nested``, rebuilt the same way (a recursive map, with a stack)."""
    top: list = []
    stack: list[tuple[Any, list, list | None, int]] = [(iter(items(root)), top, None, 0)]
    while stack:
        it, out, parent, slot = stack[-1]
        for x in it:
            if nested(x):
                out.append(None)  # its place, filled in when it is finished
                stack.append((iter(items(x)), [], out, len(out) - 1))
                break
            out.append(leaf(x))
        else:
            stack.pop()
            if parent is not None:
                parent[slot] = finish(out)
    return finish(top)
