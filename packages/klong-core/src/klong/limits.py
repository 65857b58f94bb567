"""Bounded, interruptible evaluation.

An interpreter owns one ``Guard``. The evaluator calls ``tick()`` once per
loop iteration of an adverb and once per function call, and ``alloc()``
before building anything whose size it knows in advance (``!n``, ``n#x``,
``s:^x``, joins, ...). Every ``CHECK_EVERY`` ticks, ``check()`` looks at the
clock, the step count, the process's memory and the interrupt flag. The
checks are cooperative: nothing is raised into the middle of a library call,
so a stopped evaluation leaves the interpreter as usable as a Klong error does.

Even without limits, one allocation larger than the machine's memory fails at
once, with a Klong error, instead of waking the kernel's out-of-memory killer.
"""

from __future__ import annotations

import math
import os
import signal
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

from .errors import KlongError

# Klong called from Python called from Klong...: each round trip passes through C
# and takes about a kilobyte of the thread's C stack, which may be as small as
# 512 KB (threads on macOS); Klong's own calls stay on Python's stack
MAX_HOST_DEPTH = 400
# Python frames are the Klong stack: during an evaluation Python's recursion limit
# is raised to this (about 20,000 Klong calls; since 3.11 pure-Python calls stay
# off the C stack) and put back afterwards
RECURSION_LIMIT = 100_000
CHECK_EVERY = 1024  # ticks between looks at the clock, the memory and the flag
SMALL = 1 << 20  # allocations below this many bytes are not checked one by one


@dataclass(frozen=True)
class Limits:
    """Budgets for one evaluation (a call of the interpreter); None: no limit.

    ``timeout``: seconds of wall-clock time; ``steps``: loop iterations and
    function calls (deterministic, unlike time); ``memory``: bytes the
    evaluation may add to the process (one allocation, and the growth of the
    process's resident memory)."""

    timeout: float | None = None
    steps: int | None = None
    memory: int | None = None

    def __post_init__(self) -> None:
        """Refuse at once what no evaluation could run under."""
        for name, kinds in (("timeout", (int, float)), ("steps", (int,)), ("memory", (int,))):
            v = getattr(self, name)
            if v is None:
                continue
            what = "a number of seconds" if name == "timeout" else "a whole number"
            if type(v) is bool or not isinstance(v, kinds):
                raise TypeError(f"Limits {name}: expected None or {what} above 0, got {v!r}")
            if not (math.isfinite(v) and v > 0):
                raise ValueError(f"Limits {name}: expected None or {what} above 0, got {v!r}")


class LimitError(KlongError):
    """An evaluation stopped by a limit or an interrupt; ``limit`` names which
    ("timeout", "steps", "memory" or "interrupt")."""

    def __init__(self, limit: str, message: str):
        super().__init__(message)
        self.limit = limit


def size_text(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB", "PB"):
        if n < 1024 or unit == "PB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} bytes"  # pragma: no cover


def _page_size() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return 4096


PAGE = _page_size()


def resident_bytes() -> int | None:
    """The process's resident memory (Linux), else None."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return None


def machine_bytes() -> int:
    """The most memory one allocation could ever get: the machine's physical
    memory, or less under an address-space limit (``ulimit -v``)."""
    total = 1 << 62
    try:
        total = os.sysconf("SC_PHYS_PAGES") * PAGE
    except (AttributeError, ValueError, OSError):
        pass
    try:
        import resource
        soft = resource.getrlimit(resource.RLIMIT_AS)[0]
        if soft != resource.RLIM_INFINITY:
            total = min(total, soft)
    except (ImportError, OSError, ValueError):
        pass
    return total


MACHINE = machine_bytes()


class Guard:
    """The budgets of the evaluation running now, counted down cooperatively."""

    def __init__(self, limits: Limits | None = None):
        self.limits = limits or Limits()
        self.active = self.limits
        self.depth = 0  # nested runs (.E, loading, Python calling back) share one budget
        self.host_depth = 0
        self._old_limit = RECURSION_LIMIT
        self.countdown = CHECK_EVERY
        self._chunk = CHECK_EVERY
        self._steps = 0
        self._deadline: float | None = None
        self._base_rss: int | None = None
        self._interrupted = False

    # -- an evaluation ---------------------------------------------------------
    def enter(self, limits: Limits | None = None) -> None:
        self.depth += 1
        if self.depth > 1:
            return
        self._old_limit = sys.getrecursionlimit()
        if self._old_limit < RECURSION_LIMIT:
            sys.setrecursionlimit(RECURSION_LIMIT)
        lim = self.active = limits or self.limits
        self._interrupted = False
        self._steps = 0
        self._deadline = None if lim.timeout is None else time.monotonic() + lim.timeout
        self._base_rss = resident_bytes() if lim.memory is not None else None
        self._rearm()

    def leave(self) -> None:
        self.depth -= 1
        if self.depth == 0 and self._old_limit < RECURSION_LIMIT == sys.getrecursionlimit():
            sys.setrecursionlimit(self._old_limit)  # unless someone else changed it meanwhile

    @contextmanager
    def running(self, limits: Limits | None = None) -> Iterator[None]:
        """An evaluation (or one nested in the running one)."""
        self.enter(limits)
        try:
            yield
        finally:
            self.leave()

    @contextmanager
    def host_call(self) -> Iterator[None]:
        """A call from Python into Klong: an evaluation of its own, or, inside a
        running one, a level that nests on the C stack."""
        if self.host_depth >= MAX_HOST_DEPTH:
            raise KlongError(f"recursion too deep: Klong called from Python more than "
                             f"{MAX_HOST_DEPTH} levels deep")
        self.host_depth += 1
        try:
            with self.running():
                yield
        finally:
            self.host_depth -= 1

    def interrupt(self) -> None:
        """Stop the running evaluation at its next check (safe from any thread)."""
        self._interrupted = True
        self.countdown = 0

    # -- the checks ----------------------------------------------------------------
    def tick(self) -> None:
        self.countdown -= 1
        if self.countdown <= 0:
            self.check()

    def charge(self, steps: int) -> None:
        """Count ``steps`` at once (work inside one operation)."""
        self.countdown -= steps
        if self.countdown <= 0:
            self.check()

    def check(self) -> None:
        self._steps += self._chunk - self.countdown
        lim = self.active
        if self._interrupted:
            self._interrupted = False
            raise LimitError("interrupt", "interrupted")
        if lim.steps is not None and self._steps >= lim.steps:
            raise LimitError("steps", f"step limit ({lim.steps} steps) exceeded")
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise LimitError("timeout", f"time limit ({lim.timeout:g} s) exceeded")
        if self._base_rss is not None:
            used = (resident_bytes() or 0) - self._base_rss
            if used > lim.memory:
                raise LimitError("memory", f"memory limit ({size_text(lim.memory)}) exceeded: "
                                           f"the evaluation grew by {size_text(used)}")
        self._rearm()

    def _rearm(self) -> None:
        chunk = CHECK_EVERY
        if self.active.steps is not None:
            chunk = max(1, min(chunk, self.active.steps - self._steps))
        self._chunk = self.countdown = chunk

    def alloc(self, op: str, count: int, itemsize: int = 8) -> None:
        """Refuse, before it starts, to build ``count`` items of ``itemsize`` bytes
        that could not fit in the memory budget or in the machine."""
        need = count * itemsize
        if need < SMALL:
            return
        lim = self.active.memory
        if lim is not None:
            used = 0
            if self._base_rss is not None:
                used = max(0, (resident_bytes() or 0) - self._base_rss)
            if need + used > lim:
                raise LimitError("memory", f"{op}: memory limit ({size_text(lim)}) exceeded: "
                                           f"the result needs {size_text(need)}")
        if need > MACHINE:
            raise LimitError("memory", f"{op}: out of memory: the result needs {size_text(need)}, "
                                       f"more than this machine has ({size_text(MACHINE)})")


@contextmanager
def interrupts_stop(k: Any) -> Iterator[None]:
    """While Klong runs, Ctrl-C (a terminal's, or Jupyter's interrupt: a SIGINT) stops it at its
    next check (``k.interrupt()``), so the interpreter stays as usable as after
    any error; a second Ctrl-C raises KeyboardInterrupt at once (a Python call
    that never returns)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        k.interrupt()

    old = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)
