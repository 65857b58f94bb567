"""Integers of any size to and from decimal text, without touching Python's
process-wide limit on the digits of such conversions (``sys.set_int_max_str_digits``,
CPython's guard against slow parsing in other code of the host process).

Numbers under the limit use ``str``/``int``; longer ones are split in halves
by a power of ten, so each piece is under it."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"[+-]?[0-9]+\Z")
_CHUNK = 1000  # digits: far under any limit CPython allows (at least 640)


def int_text(n: int) -> str:
    """``str(n)`` for an integer of any size."""
    try:
        return str(n)
    except ValueError:  # over the host's digit limit
        pass
    if n < 0:
        return "-" + int_text(-n)
    return _split_text(n, int(n.bit_length() * 0.30103) + 1)


def _split_text(n: int, digits: int) -> str:
    if digits <= _CHUNK:
        return str(n)
    half = digits // 2
    hi, lo = divmod(n, 10 ** half)
    return (_split_text(hi, digits - half) if hi else "") + _split_text(lo, half).zfill(half)


def text_int(s: str) -> int:
    """``int(s)`` for decimal text of any length (ValueError when it is not one)."""
    try:
        return int(s)
    except ValueError:
        t = s.strip()
        if not _DIGITS.match(t):
            raise
    sign = -1 if t[0] == "-" else 1
    return sign * _split_int(t.lstrip("+-"))


def _split_int(s: str) -> int:
    if len(s) <= _CHUNK:
        return int(s)
    half = len(s) // 2
    return _split_int(s[:-half]) * 10 ** half + _split_int(s[-half:])
