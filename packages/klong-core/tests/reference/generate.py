"""The expressions of the reference tables: every operator (monad and dyad),
every adverb and every system function over a matrix of argument kinds.
``regen.py tables`` runs each on kg and writes ``cases/NAME.tsv``."""

from __future__ import annotations

from typing import Iterator

import randprog

#: one of each kind of value (the dyads use the first DYAD_ARGS of them)
ARGS = [
    "1", "0", "-3", "2.5", "0.0", "12345678901234567890", "0cx", '"abc"', '""',
    ":sym", "[]", "[1 2 3]", "[1.5 -2.5 3.0]", "[[1 2] [3 4]]", "[[1] [2 3]]", ":{[1 2] [3 4]}",
    "-1.5", '["ab" "cd"]', '[1 "a" 0cx :s]', "{x+1}",
    "7", "[3 1 2 1]", "[-2 0 5]", "[1 2.5]", "[[1 2 3] [4 5 6]]", "[1 [2 [3]]]", '"a"',
    "[0cx 0cy]", "[:a :b]", "{x+y}", "2", "[0 1 0]", '"hello world"', "[[]]", "-0.5",
]
DYAD_ARGS = 16
MONADS = ["+", "-", "*", "%", "^", "!", "&", "|", "<", ">", "=", "~", ",", "#", "_", "?", "@",
          "$", ":#", ":_", ":^", ":+", ":-", ":%", ":$", ":@", ":*", ":~", ":<", ":>", ":="]
DYADS = MONADS + [":%", ":!", ":&", ":|", ":,", ":?"]
#: dyads also tried with integer/index-like left arguments
INDEX_LEFT = ["0", "1", "2", "-1", "-2", "5", "[0 2]", "[2 3]", "[3 -1]", "[-1 2]", "[1 0]", "[]"]
INDEX_OPS = ["#", "_", "@", ":@", ":#", ":^", ":=", ":+", ":-", ":_", "?", "!", "$", ":$", "^", "%"]
INDEX_RIGHT = ["!10", "[1 2 3]", '"abcde"', "[[1 2] [3 4]]", "[]", '""', "0cx", "7", "123.45",
               "[1.5 2.5]", ":{[1 2]}", "[[1 2] [3 4 5]]", "[1 [2 3] 4]"]

ADVERB_MONADS = ["#", "*", "|", "-", "~", ",", "<", "^", "@", "$", "{x}", "{x,x}", "{#x}", "{1}"]
ADVERB_DYADS = ["+", "-", "*", "%", ",", "|", "&", "^", "=", "<", "~", "#", "_", "@", ":=",
                "{x,y}", "{y,x}", "{x;y}", "{x+y}", "{y}"]
ADVERB_ARGS = ["[]", '""', "[1 2 3]", '"abc"', "[[1 2] [3 4]]", "[1.5 2 3]", "5", "0cx", "[[1] [2 3]]",
               '["ab" "cd"]', ":{[1 2]}", "[:a :b]", '"a"', "[7]"]
CONVERGE = ["{x%2}", "{_x%2}", "{x}", "{1}", "{:[x<10;x+1;x]}", "{1_x}", "{|x}", "{*x}", "{x:@0}"]
CONVERGE_ARGS = ["[]", '""', "16", "[1 2 3]", '"abc"', "100.0", "0", "[[1 2] [3 4]]"]

SYSFNS = [
    '.p(1)', '.p("abc")', '.p([1 "a" 0cx :s])', '.p([[1 2] [3 4]])', '.p(1.5)', '.p(:{[1 2]})', '.p([])',
    '.p("")', '.p(0cx)', '.p({x})', '.p(:sym)', '.p([1 [2 "x"]])', '.p(["ab" "cd"])',
    '.d(1)', '.d("abc")', '.d([1 "a" 0cx :s])', '.d(0cx)', '.d([[1 2] [3 4]])', '.d(:{["a" "b"]})', '.d("")',
    '.w(1)', '.w("abc")', '.w([1 "a" 0cx :s])', '.w(0cx)', '.w([[1 2] [3 4]])', '.w(:{["a" "b"]})',
    '.w(2.5)', '.w(:s)', '.w([])', '.w("a""b")',
    '.rs("[1 2]")', '.rs("1.5")', '.rs("""abc""")', '.rs("0cx")', '.rs(":foo")', '.rs(":{[1 2]}")',
    '.rs("[1 [2 3] :x]")', '.rs("")', '.rs("1 2")', '.rs(1)', '.rs("[1 2")',
    '.E("1+2")', '.E("")', '.E("a::3;a*a")', '.E(1)', '.E("1+")',
    '.r()', '.rl()', '.fl()', '.sys("true")', '.sys("false")', '@.pc()', '@.rn()',
    '(.rn()>0)&.rn()<1', '.e', '.h', '.cols', '.a', '.fastpow', '.edit', '.cin', '.cout', '.cerr',
    '.ic("/nonexistent/file")', '.oc("/nonexistent/dir/file")', '.df("/nonexistent/file")',
    '.l("/nonexistent/file")', '.cc(.cin)', '.fc(.cin)', '.tc(.cout)', '.x', '.p', '.comment',
    '.module', '.mi', '.E', '.rs', '.d', '.w',
]


def monads() -> Iterator[str]:
    for op in MONADS:
        for a in ARGS:
            yield f"{op}({a})"


def dyads() -> Iterator[str]:
    for op in DYADS:
        for a in ARGS[:DYAD_ARGS]:
            for b in ARGS[:DYAD_ARGS]:
                yield f"({a}){op}({b})"
    for op in INDEX_OPS:
        for a in INDEX_LEFT:
            for b in INDEX_RIGHT:
                yield f"({a}){op}({b})"


def adverbs() -> Iterator[str]:
    for f in ADVERB_MONADS:
        for a in ADVERB_ARGS:
            yield f"{f}'({a})"
    for f in ADVERB_DYADS:
        for a in ADVERB_ARGS:
            for adverb in ("/", "\\", ":'"):
                yield f"{f}{adverb}({a})"
        for a in ADVERB_ARGS[:8]:
            for b in ADVERB_ARGS[:6]:
                for adverb in ("'", ":\\", ":/", "/", "\\"):
                    yield f"({b}){f}{adverb}({a})"
    for f in CONVERGE:
        for a in CONVERGE_ARGS:
            yield f"{f}:~({a})"
            yield f"{f}\\~({a})"
            for n in ("0", "1", "3"):
                yield f"{n}{f}:*({a})"
                yield f"{n}{f}\\*({a})"
            yield f"{{x<50}}{f}:~({a})"
            yield f"{{x<50}}{f}\\~({a})"


def sysfns() -> Iterator[str]:
    yield from SYSFNS


#: table name -> its expressions, in order
TABLES = {"monads": monads, "dyads": dyads, "adverbs": adverbs, "sysfns": sysfns,
          "random": randprog.programs}
