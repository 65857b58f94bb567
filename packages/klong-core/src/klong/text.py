"""Klong's text model: a character is a byte, as in the reference interpreter.

A Klong string holds bytes, kept in a Python ``str`` whose characters are
0-255 (Latin-1's mapping of bytes to characters). Source files and channels
are read byte for byte, so any file loads (``#"é"`` in a UTF-8 file is 2, as
on the reference) and characters 128-255 are written back as one byte each.
Text that arrives as Unicode (typed at the REPL, ``klong -e``) becomes its
UTF-8 bytes, and what the REPL shows goes back to Unicode the same way.
Strings made in Python are taken character for character; a character above
255 (only Python can make one) is written as its UTF-8 bytes.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

ENCODING, ERRORS = "latin-1", "klong-bytes"


def _utf8_beyond_latin1(err: UnicodeError) -> tuple[bytes, int]:
    if not isinstance(err, UnicodeEncodeError):
        raise err
    return err.object[err.start:err.end].encode("utf-8"), err.end


codecs.register_error(ERRORS, _utf8_beyond_latin1)


def to_bytes(s: str) -> bytes:
    """The bytes a Klong string stands for."""
    return s.encode(ENCODING, ERRORS)


def from_text(s: str) -> str:
    """Unicode text (typed, or from the command line) -> Klong's bytes."""
    return s if s.isascii() else s.encode("utf-8", "surrogateescape").decode(ENCODING)


def to_text(s: str) -> str:
    """Klong's bytes -> Unicode text to show (bytes that are not UTF-8 as U+FFFD)."""
    return s if s.isascii() else to_bytes(s).decode("utf-8", "replace")


def read_source(path: str | Path) -> str:
    """A program file, byte for byte."""
    return Path(path).read_bytes().decode(ENCODING)


def write_to(stream: Any, s: str) -> None:
    """Write Klong's bytes to a text stream (the standard streams): exactly,
    where the stream escapes undecodable bytes (``klong`` sets that up)."""
    if not s.isascii():
        errors = "surrogateescape" if getattr(stream, "errors", "") == "surrogateescape" else "replace"
        s = to_bytes(s).decode(getattr(stream, "encoding", None) or "utf-8", errors)
    stream.write(s)


def read_from(line: str) -> str:
    """A line read from a text stream (the standard input) -> Klong's bytes."""
    return from_text(line)


def open_channel(path: str, mode: str) -> Any:
    """A file channel: bytes in, bytes out."""
    return open(to_text(path), mode, encoding=ENCODING, errors=ERRORS, newline="")
