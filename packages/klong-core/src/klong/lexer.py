"""Text -> tokens. The lexer is lazy (the parser pulls one token at a time) so
that a program can be run expression by expression and ``.comment`` can skip
raw lines that were never tokenized."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import KlongError, KlongIncomplete
from .nodes import DictLit
from .numtext import text_int
from .values import Char, Symbol

# token kinds
NUM, CHAR, STR, SYM, QSYM, OP, ADV = "num", "char", "str", "sym", "qsym", "op", "adv"
LPAR, RPAR, RBRK, LBRC, RBRC = "(", ")", "]", "{", "}"
COND, ELIF, SEMI, END = ":[", ":|", ";", "end"
LIST, DICT = "list", "dict"  # a whole list or dictionary literal: its value is the data read

OP_CHARS = set("!#$%&*+,-./;<=>?@\\^_|~")  # the manual's class omits # (Size, Take)
SYM_START = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.")
SYM_CHARS = SYM_START | set("0123456789")
DIGITS = set("0123456789")
EXTENSION_OPS = {"\u2207": "\u2207", "\u2202": "\u2202"}  # nabla, partial
# the same in a file, read as bytes: their UTF-8 encodings
EXTENSION_BYTES = {op.encode("utf-8").decode("latin-1"): op for op in EXTENSION_OPS}
SHIFTED_ADVERBS = {"'", "/", "\\", "~", "*"}


@dataclass(slots=True)
class Token:
    kind: str
    value: Any
    pos: int
    end: int  # offset just past the token


class Lexer:
    """Produces tokens on demand; newlines become ';' only outside brackets."""

    def __init__(self, src: str, pos: int = 0):
        self.src = src
        self.pos = pos
        self.opened: list[Token] = []  # open ( [ { :[ :{ -- newlines inside them are blanks

    def error(self, msg: str, pos: int, incomplete: bool = False) -> KlongError:
        cls = KlongIncomplete if incomplete else KlongError
        return cls(msg, pos, self.src)

    def next(self) -> Token:
        src, n = self.src, len(self.src)
        while True:
            i = self.pos
            while i < n and src[i] in " \t\r\f":
                i += 1
            self.pos = i
            if i >= n:
                return Token(END, None, i, i)
            c = src[i]
            if c == "\n":
                self.pos = i + 1
                if not self.opened:
                    return Token(SEMI, "\n", i, i + 1)
                continue
            if c == ":" and i + 1 < n and src[i + 1] == '"':
                self.pos = self._string_end(i + 1)  # a comment
                continue
            if c == "[":
                items, end = self._items(i, i + 1, "]")
                tok = Token(LIST, items, i, end)
            elif src.startswith(":{", i):
                tok = Token(DICT, self._dictionary(i), i, self.pos)
            else:
                tok = self._token(i, c)
            self.pos = tok.end
            return tok

    def _token(self, i: int, c: str) -> Token:
        src, n = self.src, len(self.src)
        if c in DIGITS:
            return self._number(i, i)
        if c == '"':
            end = self._string_end(i)
            return Token(STR, src[i + 1:end - 1].replace('""', '"'), i, end)
        if c in SYM_START:
            j = i + 1
            while j < n and src[j] in SYM_CHARS:
                j += 1
            return Token(SYM, src[i:j], i, j)
        if c == ":":
            return self._shifted(i)
        if c in "({":
            return self._open(Token(c, c, i, i + 1))
        if c in ")]}":
            if self.opened:
                self.opened.pop()
            return Token(c, c, i, i + 1)
        if c == ";":
            return Token(SEMI, ";", i, i + 1)
        if c == "'" or c == "/":
            return Token(ADV, c, i, i + 1)
        if c == "\\":
            if i + 1 < n and src[i + 1] in "~*":
                return Token(ADV, src[i:i + 2], i, i + 2)
            return Token(ADV, "\\", i, i + 1)
        if c in OP_CHARS:
            return Token(OP, c, i, i + 1)
        if c in EXTENSION_OPS:
            return Token(OP, c, i, i + 1)
        op = EXTENSION_BYTES.get(src[i:i + 3])
        if op is not None:
            return Token(OP, op, i, i + 3)
        raise self.error(f"lexical error: unexpected character {c!r}", i)

    def _shifted(self, i: int) -> Token:
        src, n = self.src, len(self.src)
        if i + 1 >= n:
            raise self.error("lexical error: ':' at end of input", i)
        d = src[i + 1]
        if d == "[":
            return self._open(Token(COND, ":[", i, i + 2))
        if d == "(":  # compatibility form of application: f:(x)
            return self._open(Token(LPAR, "(", i, i + 2))
        if d == "|":
            return Token(ELIF, ":|", i, i + 2)
        if d in SYM_START:
            j = i + 2
            while j < n and src[j] in SYM_CHARS:
                j += 1
            return Token(QSYM, Symbol(src[i + 1:j]), i, j)
        if d in DIGITS:  # a shifted number or character is just that
            return self._number(i + 1, i)
        if d in SHIFTED_ADVERBS:  # :' :/ :\ :~ :*
            return Token(ADV, ":" + d, i, i + 2)
        if d == ">":
            return Token(OP, ":>", i, i + 2)
        if d in OP_CHARS or d == ":":
            return Token(OP, ":" + d, i, i + 2)
        raise self.error(f"lexical error: cannot shift {d!r}", i)

    # -- literal data, read as kg's reader reads it ---------------------------------
    def _items(self, start: int, i: int, closer: str) -> tuple[list, int]:
        """The data from ``i`` up to ``closer`` (a list or dictionary opened at
        ``start``), and the offset past the closer. Inside, every character
        is data: an operator, ';', a bracket or an adverb is a symbol
        (``[1 + 2]`` is ``[1 :+ 2]``), and newlines are blanks."""
        items: list = []
        while True:
            i = self._blank(i, start, closer)
            if self.src[i] == closer:
                return items, i + 1
            value, i = self._datum(i)
            items.append(value)

    def _blank(self, i: int, start: int, closer: str) -> int:
        """``i`` past blanks and comments; end of input leaves the literal open."""
        src, n = self.src, len(self.src)
        while True:
            while i < n and src[i] in " \t\r\f\n":
                i += 1
            if i >= n:
                raise self.error(f"syntax error: unexpected end of input: "
                                 f"{src[start:start + len(closer)]} is not closed", start, incomplete=True)
            if not src.startswith(':"', i):
                return i
            i = self._string_end(i + 1)

    def _datum(self, i: int) -> tuple[Any, int]:
        """One element of a list literal at ``i`` and the offset past it."""
        src, n = self.src, len(self.src)
        c = src[i]
        if c == "[":
            return self._items(i, i + 1, "]")
        if src.startswith(":{", i):
            d = self._dictionary(i)
            return d, self.pos
        if c in DIGITS or (c == "-" and i + 1 < n and src[i + 1] in DIGITS) or c == '"':
            tok = self._token(i, c) if c != "-" else self._token(i + 1, src[i + 1])
            value = -tok.value if c == "-" else tok.value
            return value, tok.end
        if c in SYM_START:
            j = i + 1
            while j < n and src[j] in SYM_CHARS:
                j += 1
            return Symbol(src[i:j]), j
        if c == ":" and i + 1 < n:
            d = src[i + 1]
            if d in SYM_START or d in DIGITS:
                tok = self._shifted(i)
                return tok.value, tok.end
            return Symbol(":" + d), i + 2
        if c == "\\" and i + 1 < n and src[i + 1] in "~*":
            return Symbol(src[i:i + 2]), i + 2
        return Symbol(c), i + 1

    def _dictionary(self, i: int) -> DictLit:
        """The dictionary literal at ``i`` (``:{``); sets ``pos`` past it."""
        items, end = self._items(i, i + 2, "}")
        for t in items:
            if type(t) is not list or len(t) != 2:
                raise self.error("syntax error: a dictionary holds [key value] tuples", i)
        self.pos = end
        return DictLit(i, [(t[0], t[1]) for t in items])

    def _open(self, tok: Token) -> Token:
        self.opened.append(tok)
        return tok

    def _string_end(self, i: int) -> int:
        """Offset just past the string that starts with the quote at ``i``."""
        src, n = self.src, len(self.src)
        j = i + 1
        while True:
            k = src.find('"', j)
            if k < 0:
                raise self.error("unterminated string", i, incomplete=True)
            if k + 1 < n and src[k + 1] == '"':
                j = k + 2
                continue
            return k + 1

    def _number(self, i: int, start: int) -> Token:
        """A number or character literal at ``i`` (``start`` includes a shift)."""
        src, n = self.src, len(self.src)
        if src.startswith("0c", i):
            if i + 2 >= n:
                raise self.error("lexical error: 0c needs a character", i)
            return Token(CHAR, Char(src[i + 2]), start, i + 3)
        return lex_number(self, src, i, start)


_BASES = {"b": (2, "01"), "o": (8, "01234567"), "x": (16, "0123456789abcdefABCDEF")}


def lex_number(lexer: Lexer, src: str, i: int, start: int) -> Token:
    n = len(src)
    if src[i] == "0" and i + 2 < n and src[i + 1] in _BASES and src[i + 2] in _BASES[src[i + 1]][1]:
        base, digits = _BASES[src[i + 1]]
        j = i + 2
        while j < n and src[j] in digits:
            j += 1
        return Token(NUM, int(src[i + 2:j], base), start, j)
    j = i
    while j < n and src[j] in DIGITS:
        j += 1
    real = False
    if j < n and src[j] == ".":
        real = True
        j += 1
        while j < n and src[j] in DIGITS:
            j += 1
    if j < n and src[j] == "e":
        k = j + 1
        if k < n and src[k] in "+-":
            k += 1
        if k < n and src[k] in DIGITS:
            real = True
            while k < n and src[k] in DIGITS:
                k += 1
            j = k
    text = src[i:j]
    return Token(NUM, float(text) if real else text_int(text), start, j)


def tokens(src: str) -> list[Token]:
    """All tokens of ``src`` (for tools; the parser lexes lazily)."""
    lx, out = Lexer(src), []
    while True:
        t = lx.next()
        out.append(t)
        if t.kind == END:
            return out
