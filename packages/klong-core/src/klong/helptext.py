"""Help texts for ``]h`` (help) and ``]a`` (apropos), written for this project.

Every operator (each of its monadic and dyadic meanings), adverb, system
function, system variable and interactive command has one :class:`Help`
entry. An entry's examples are real: the test suite evaluates each one and
compares the result with the text given here, so the help cannot drift away
from what the interpreter does.

>>> [h.name for h in lookup("+")]
['Plus', 'Transpose']
>>> lookup("Plus")[0].form
'a+b'
"""

from __future__ import annotations

from dataclasses import dataclass

#: kinds of entry, in the order ``]hall`` lists them, with their headings
KINDS = {"dyad": "operators, dyadic", "monad": "operators, monadic", "adverb": "adverbs",
         "autograd": "differentiation", "syntax": "syntax", "function": "system functions",
         "variable": "variables", "command": "interactive commands"}


@dataclass(frozen=True)
class Help:
    """One help topic.

    ``key`` is what a user types to name it (``+``, ``.p``, ``:~``, ``]t``);
    several entries may share a key (monadic and dyadic meanings, or the one-
    and two-argument forms of an adverb). ``examples`` are pairs of a Klong
    expression and the text the REPL shows for its value.
    """

    key: str
    name: str
    kind: str
    form: str
    text: str
    examples: tuple[tuple[str, str], ...] = ()
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """Every name the entry answers to (its name, the parts of a
        slash-name like ``Max/Or``, and its aliases)."""
        parts = tuple(self.name.split("/")) if "/" in self.name else ()
        return (self.name, *parts, *self.aliases)

    def render(self) -> str:
        """The entry as ``]h`` prints it."""
        head = f"{self.form}    {self.name} ({self.kind})"
        body = "\n".join("  " + line if line else "" for line in self.text.strip().split("\n"))
        lines = [head, body]
        if self.examples:
            width = max(len(e) for e, _ in self.examples)
            lines.append("  Examples:" if len(self.examples) > 1 else "  Example:")
            lines += [f"    {e.ljust(width)}  -->  {r}" for e, r in self.examples]
        return "\n".join(lines)


def _h(key: str, name: str, kind: str, form: str, text: str,
       *examples: tuple[str, str], aliases: tuple[str, ...] = ()) -> Help:
    return Help(key, name, kind, form, text, tuple(examples), aliases)


ENTRIES: tuple[Help, ...] = (
    # ---------------------------------------------------------------- dyads
    _h("+", "Plus", "dyad", "a+b",
       "The sum of two numbers. Atomic: lists are added element by element,\n"
       "and a number is added to every element of a list.",
       ("2+3", "5"), ("[1 2 3]+10", "[11 12 13]"), ("1+0.5", "1.5")),
    _h("-", "Minus", "dyad", "a-b",
       "The difference a minus b of two numbers. Atomic, like Plus.",
       ("10-4", "6"), ("[5 6]-[1 1]", "[4 5]")),
    _h("*", "Times", "dyad", "a*b",
       "The product of two numbers. Atomic.",
       ("6*7", "42"), ("2*[1 2 3]", "[2 4 6]")),
    _h("%", "Divide", "dyad", "a%b",
       "The quotient of two numbers, always a real number (use :% for\n"
       "integer division). Atomic.",
       ("9%3", "3.0"), ("1%4", "0.25")),
    _h(":%", "Integer-Divide", "dyad", "a:%b",
       "The quotient of two integers, truncated to an integer. Together with\n"
       "Remainder it satisfies a = (b*a:%b) + a!b. Atomic.",
       ("17:%5", "3"), ("[10 11 12]:%4", "[2 2 3]")),
    _h("!", "Remainder", "dyad", "a!b",
       "The remainder of the truncated division of two integers; it takes the\n"
       "sign of a. Atomic.",
       ("17!5", "2"), ("(-17)!5", "-2")),
    _h("^", "Power", "dyad", "a^b",
       "a raised to the power b. Integers to non-negative integer powers stay\n"
       "integers, and so does x^0 (1) and an integer to a whole real power\n"
       "such as 2^3.0; otherwise the result is real. The result is never\n"
       "complex: a root of a negative number is :undefined. Atomic.",
       ("2^10", "1024"), ("4^0.5", "2.0"), ("2^-1", "0.5")),
    _h("<", "Less", "dyad", "a<b",
       "1 if a is smaller than b, else 0. Numbers compare by value, characters\n"
       "by code, strings and symbols alphabetically. Atomic: to compare whole\n"
       "lists use Grade or Match.",
       ("1<2", "1"), ('"abc"<"abd"', "1"), ("[1 5 3]<[2 2 2]", "[1 0 0]")),
    _h(">", "More", "dyad", "a>b",
       "1 if a is greater than b, else 0; the mirror image of Less. Atomic.",
       ("3>2", "1"), (":b>:a", "1"), ("[1 5]>[2 2]", "[0 1]")),
    _h("=", "Equal", "dyad", "a=b",
       "1 if two atoms are equal, else 0: numbers by value, characters,\n"
       "strings and symbols by content. Atomic, so lists are compared element\n"
       "by element; use Match (~) to compare whole lists or reals.",
       ("3=3", "1"), ('"ab"="ab"', "1"), ("[1 2 3]=[1 0 3]", "[1 0 1]")),
    _h("~", "Match", "dyad", "a~b",
       "1 if a and b are the same object, else 0. Lists match when they have\n"
       "the same length and their elements match; reals match when they are\n"
       "equal within a small relative tolerance.",
       ("[1 [2 3]]~[1 [2 3]]", "1"), ("[1 2]~[1 2 3]", "0"), ('"x"~"x"', "1")),
    _h("|", "Max/Or", "dyad", "a|b",
       "The larger of two numbers. On the truth values 0 and 1 this is the\n"
       "logical or. Atomic.",
       ("3|7", "7"), ("[0 0 1]|[0 1 1]", "[0 1 1]")),
    _h("&", "Min/And", "dyad", "a&b",
       "The smaller of two numbers. On the truth values 0 and 1 this is the\n"
       "logical and. Atomic.",
       ("3&7", "3"), ("[0 0 1]&[0 1 1]", "[0 0 1]")),
    _h(",", "Join", "dyad", "a,b",
       "Joins two objects into a list or string: lists are concatenated, an\n"
       "atom is attached to the front or back of a list, strings and\n"
       "characters join into strings, two atoms form a two-element list. A\n"
       "[key value] tuple joined with a dictionary adds (or replaces) that\n"
       "entry, in place.",
       ("[1 2],[3 4]", "[1 2 3 4]"), ("0,[1 2]", "[0 1 2]"), ('"ab",0cc', '"abc"'),
       ("1,2", "[1 2]")),
    _h("#", "Take", "dyad", "a#b",
       "The first a elements of list or string b (the last -a when a is\n"
       "negative). Asking for more elements than b has cycles through b.",
       ("2#[5 6 7]", "[5 6]"), ("(-2)#[5 6 7]", "[6 7]"), ("5#[1 2]", "[1 2 1 2 1]"),
       ('3#"hello"', '"hel"')),
    _h("_", "Drop", "dyad", "a_b",
       "List or string b without its first a elements (its last -a when a is\n"
       "negative). Dropping everything gives an empty list or string. On a\n"
       "dictionary, removes the entry with key a (in place).",
       ("2_[5 6 7]", "[7]"), ('(-2)_"hello"', '"hel"'), ("9_[1 2]", "[]")),
    _h("?", "Find", "dyad", "a?b",
       "The positions where b occurs in list a, or where substring b starts in\n"
       "string a; [] when there is none. On a dictionary a, the value stored\n"
       "under key b, or :undefined.",
       ("[3 1 3 2]?3", "[0 2]"), ('"banana"?"an"', "[1 3]"), (":{[1 :one]}?1", ":one")),
    _h("@", "At", "dyad", "a@b",
       "Indexing: the element of list or string a at position b (zero-based),\n"
       "or a list of elements when b is a list of positions. When a is a\n"
       "function, applies it: to b itself if b is an atom, or to the elements\n"
       "of b as its arguments if b is a list.",
       ("[10 20 30]@1", "20"), ("[10 20 30]@[2 0]", "[30 10]"), ('"hello"@[1 4]', '"eo"'),
       ("{x*y}@[6 7]", "42"), aliases=("Index", "Apply", "At/Index", "At/Apply")),
    _h(":@", "Index-in-Depth", "dyad", "a:@b",
       "Like At, but b is a path of indices into a nested array: one index per\n"
       "dimension picks a single element. On a function it is the same as At.",
       ("[[1 2] [3 4]]:@[1 0]", "3"),),
    _h(":=", "Amend", "dyad", "a:=b",
       "A copy of list or string a in which the positions listed after the\n"
       "first element of b are replaced by that first element. When both a\n"
       "and the replacement are strings, the replacement string is written\n"
       "starting at each position (the result may grow).",
       ("[1 2 3]:=0,2", "[1 2 0]"), ('"....":=0cx,[0 3]', '"x..x"'),
       ('"ab":="cd",1', '"acd"')),
    _h(":-", "Amend-in-Depth", "dyad", "a:-b",
       "Like Amend, but for a nested array: the rest of b is a path with one\n"
       "index per dimension naming the single element to replace.",
       ("[[1 2] [3 4]]:-9,[0 1]", "[[1 9] [3 4]]"),),
    _h(":_", "Cut", "dyad", "a:_b",
       "Cuts list or string b into pieces just before each position in a (an\n"
       "integer or an ascending list of integers).",
       ("2:_[1 2 3 4]", "[[1 2] [3 4]]"), ('[1 3]:_"abcde"', '["a" "bc" "de"]')),
    _h(":#", "Split", "dyad", "a:#b",
       "Splits list or string b into pieces of length a; when a is a list the\n"
       "lengths are used in turn, cyclically. The last piece may be shorter.",
       ("2:#[1 2 3 4 5]", "[[1 2] [3 4] [5]]"), ('[1 2]:#"abcdef"', '["a" "bc" "d" "ef"]')),
    _h(":^", "Reshape", "dyad", "a:^b",
       "Arranges the elements of b into an array of shape a (a list of\n"
       "dimensions, as Shape returns). Elements are reused cyclically when b\n"
       "has too few and ignored when it has too many. A dimension of -1\n"
       "stands for half the number of elements of b.",
       ("[2 3]:^!6", "[[0 1 2] [3 4 5]]"), ("3:^0", "[0 0 0]"), ("[-1 2]:^!6", "[[0 1] [2 3] [4 5]]")),
    _h(":+", "Rotate", "dyad", "a:+b",
       "Rotates list or string b by a positions: to the right (the last\n"
       "elements come to the front) when a is positive, to the left when a is\n"
       "negative.",
       ("1:+[1 2 3 4]", "[4 1 2 3]"), ('(-1):+"abcd"', '"bcda"')),
    _h("$", "Format2", "dyad", "a$b",
       "Formats b as Format does, then pads it with blanks to at least |a|\n"
       "characters: blanks go after the text when a is positive and before it\n"
       "when a is negative (right-aligned). A real a of the form n.m formats a\n"
       "real b with m decimals.",
       ("5$42", '"42   "'), ("(-5)$42", '"   42"')),
    _h(":$", "Form", "dyad", "a:$b",
       "Reads string b as an object of the same type as a (integer, real,\n"
       "character, string or symbol); :undefined when b cannot be read that\n"
       "way. Atomic.",
       ('1:$"42"', "42"), ('1.0:$"2"', "2.0"), (':a:$"name"', ":name")),
    _h("::", "Define", "dyad", "a::b",
       "Binds the value b to the variable a and gives b. Inside a function,\n"
       "an assignment to a declared local ({[v]; ...}) changes the local;\n"
       "otherwise it changes the global variable. x, y and z cannot be\n"
       "assigned.",
       ("n::5;n*2", "10"), ("v::1;{[v];v::2}();v", "1"), aliases=("Assign",)),
    # ---------------------------------------------------------------- monads
    _h("+", "Transpose", "monad", "+a",
       "Swaps the rows and columns of a matrix.",
       ("+[[1 2 3] [4 5 6]]", "[[1 4] [2 5] [3 6]]"),),
    _h("-", "Negate", "monad", "-a",
       "The negative of a number. Atomic.",
       ("-5", "-5"), ("-[1 -2]", "[-1 2]")),
    _h("*", "First", "monad", "*a",
       "The first element of a list or the first character of a string; an\n"
       "atom is its own first element.",
       ("*[7 8 9]", "7"), ('*"xyz"', "0cx"), ("*5", "5")),
    _h("%", "Reciprocal", "monad", "%a",
       "One divided by a, as a real. Atomic.",
       ("%4", "0.25"),),
    _h("!", "Enumerate", "monad", "!a",
       "The integers from 0 up to a-1.",
       ("!5", "[0 1 2 3 4]"), ("!0", "[]")),
    _h("^", "Shape", "monad", "^a",
       "The shape of an array: 0 for an atom, [n] for a list or string of n\n"
       "elements, [rows columns] for a matrix, and so on for higher ranks. A\n"
       "list whose elements differ in shape is a vector.",
       ("^7", "0"), ("^[[1 2 3] [4 5 6]]", "[2 3]"), ("^[1 [2 3]]", "[2]")),
    _h("<", "Grade-Up", "monad", "<a",
       "The indices that would put list or string a in ascending order (a\n"
       "stable sort). a@<a sorts a.",
       ("<[30 10 20]", "[1 2 0]"), ("a::[3 1 2];a@<a", "[1 2 3]")),
    _h(">", "Grade-Down", "monad", ">a",
       "The indices that would put list or string a in descending order.",
       (">[30 10 20]", "[0 2 1]"),),
    _h("=", "Group", "monad", "=a",
       "Groups the positions of equal elements: one list of indices for each\n"
       "distinct element of a, in order of first appearance.",
       ("=[1 2 1 3 2]", "[[0 2] [1 4] [3]]"), ('="abca"', "[[0 3] [1] [2]]")),
    _h("~", "Not", "monad", "~a",
       "Logical negation: 1 for the false values 0, [] and \"\", 0 for\n"
       "everything else. Atomic, so a list of numbers is negated element by\n"
       "element.",
       ("~0", "1"), ("~[1 0 2]", "[0 1 0]"), ('~""', "1")),
    _h("|", "Reverse", "monad", "|a",
       "The elements of a list, or the characters of a string, in reverse\n"
       "order. An atom is returned unchanged.",
       ("|[1 2 3]", "[3 2 1]"), ('|"abc"', '"cba"')),
    _h("&", "Expand/Where", "monad", "&a",
       "Repeats each index i of a, a@i times. On a list of truth values this\n"
       "gives the positions of the ones, hence the name Where.",
       ("&[1 0 2]", "[0 2 2]"), ("&[0 1 1 0 1]", "[1 2 4]"), ("&3", "[0 0 0]")),
    _h(",", "List", "monad", ",a",
       "A one-element list holding a.",
       (",5", "[5]"), (',"ab"', '["ab"]')),
    _h("#", "Size", "monad", "#a",
       "The number of elements of a list or characters of a string; the\n"
       "absolute value of a number; the code of a character.",
       ("#[4 5 6]", "3"), ('#"hello"', "5"), ("#-8", "8"), ("#0ca", "97")),
    _h("_", "Floor", "monad", "_a",
       "Rounds a number down, toward negative infinity; the result is an\n"
       "integer when it can be represented exactly. Atomic.",
       ("_2.7", "2"), ("_-2.5", "-3")),
    _h("?", "Range", "monad", "?a",
       "The distinct elements of a list or string, in order of first\n"
       "appearance.",
       ("?[3 1 3 2 1]", "[3 1 2]"), ('?"mississippi"', '"misp"')),
    _h("@", "Atom", "monad", "@a",
       "1 if a is an atom, else 0. Everything is an atom except non-empty\n"
       "lists and non-empty strings.",
       ("@5", "1"), ("@[1 2]", "0"), ("@[]", "1")),
    _h("$", "Format", "monad", "$a",
       "The text of a, as Klong would show it, in a string (a string stays as\n"
       "it is, a character becomes a one-character string). Atomic.",
       ("$42", '"42"'), ("$:sym", '":sym"'), ("$[1 2]", '["1" "2"]')),
    _h(":#", "Char", "monad", ":#a",
       "The character whose code is a. Atomic.",
       (":#65", "0cA"),),
    _h(":_", "Undefined", "monad", ":_a",
       "1 if a is the :undefined value (what a failed dictionary lookup or a\n"
       "failed Form gives), else 0.",
       (":_:{[1 2]}?5", "1"), (":_42", "0")),
    # -------------------------------------------------------------- adverbs
    _h("'", "Each", "adverb", "f'a",
       "Applies monad f to every element of list a (every character of a\n"
       "string, every [key value] tuple of a dictionary) and collects the\n"
       "results. On an atom it is f(a); on [] it is [].",
       ("{x*x}'[1 2 3]", "[1 4 9]"), ("#'[[1] [2 3]]", "[1 2]")),
    _h("'", "Each-2", "adverb", "a f'b",
       "Applies dyad f to corresponding elements of a and b; the longer list\n"
       "is cut to the length of the shorter one.",
       ("[1 2 3],'[4 5 6]", "[[1 4] [2 5] [3 6]]"), ("[1 2]+'[10 20 30]", "[11 22]"),
       aliases=("Each2",)),
    _h(":\\", "Each-Left", "adverb", "a f:\\b",
       "Applies dyad f with a as its left argument and each element of b as\n"
       "its right argument.",
       ("0,:\\[1 2]", "[[0 1] [0 2]]"), ("10-:\\[1 2]", "[9 8]")),
    _h(":/", "Each-Right", "adverb", "a f:/b",
       "Applies dyad f with each element of b as its left argument and a as\n"
       "its right argument.",
       ("0,:/[1 2]", "[[1 0] [2 0]]"), ("10-:/[11 12]", "[1 2]")),
    _h(":'", "Each-Pair", "adverb", "f:'a",
       "Applies dyad f to each pair of neighbouring elements of a. A list of\n"
       "fewer than two elements is returned as it is.",
       ("{y-x}:'[1 4 9 16]", "[3 5 7]"), (",:'[1 2 3]", "[[1 2] [2 3]]")),
    _h("/", "Over", "adverb", "f/a",
       "Folds dyad f over list a from the left: f(f(a1;a2);a3) and so on. A\n"
       "one-element list gives its element; an atom is returned as it is.",
       ("+/[1 2 3 4]", "10"), ("|/[3 9 2]", "9"), (",/[[1 2] [3]]", "[1 2 3]")),
    _h("/", "Over-Neutral", "adverb", "a f/b",
       "Like Over, but starts the fold with a; when b is empty the result is\n"
       "a. Equivalent to f/a,b.",
       ("0+/[]", "0"), ("100-/[1 2]", "97")),
    _h(":~", "Converge", "adverb", "f:~a",
       "Applies monad f to a, then to the result, and so on until the result\n"
       "stops changing (matches the previous one); gives that fixpoint.",
       ("{_x%2}:~100", "0"), (",/:~[1 [2 [3]]]", "[1 2 3]")),
    _h(":~", "While", "adverb", "a f:~b",
       "While the predicate a (a monad) is true of b, replaces b by f(b); gives\n"
       "the first value for which a is false.",
       ("{x<100}{x*3}:~1", "243"),),
    _h(":*", "Iterate", "adverb", "a f:*b",
       "Applies monad f to b, a times over (a is a non-negative integer).",
       ("3{x*2}:*1", "8"), ("0{x*2}:*5", "5")),
    _h("\\", "Scan-Over", "adverb", "f\\a",
       "Like Over, but gives every intermediate result: the running fold.",
       ("+\\[1 2 3 4]", "[1 3 6 10]"), (",\\[1 2 3]", "[1 [1 2] [1 2 3]]")),
    _h("\\", "Scan-Over-Neutral", "adverb", "a f\\b",
       "Like Over-Neutral, but gives every intermediate result, starting with\n"
       "a.",
       ("10+\\[1 2 3]", "[10 11 13 16]"),),
    _h("\\~", "Scan-Converging", "adverb", "f\\~a",
       "Like Converge, but gives the whole sequence of values up to the\n"
       "fixpoint, starting with a.",
       ("{_x%2}\\~10", "[10 5 2 1 0]"),),
    _h("\\~", "Scan-While", "adverb", "a f\\~b",
       "Like While, but gives the list of values for which the predicate a\n"
       "held (the final, failing value is not included).",
       ("{x<20}{x*2}\\~1", "[1 2 4 8 16]"),),
    _h("\\*", "Scan-Iterating", "adverb", "a f\\*b",
       "Like Iterate, but gives b and every intermediate result: a+1 values.",
       ("3{x*2}\\*1", "[1 2 4 8]"),),
    # ------------------------------------------------------------- autograd
    _h(":>", "Gradient", "autograd", "f:>a",
       "The gradient of the scalar-valued monad f at the point a (a number or\n"
       "an array; the result has the shape of a). When a is a list of names of\n"
       "global variables, f (usually a nilad) is differentiated with respect\n"
       "to each of them and a list of gradients is returned; a nilad with a\n"
       "single bare name gives that one gradient. Exact on the torch backend\n"
       "(torch.autograd); numeric (central differences) elsewhere.",
       ("_0.5+{x^2}:>3", "6"), ("_0.5+{+/x^2}:>[1.0 2.0]", "[2 4]"),
       aliases=("Grad", "Autograd")),
    _h("\u2207", "Nabla", "autograd", "a\u2207f",
       "The gradient of the scalar-valued monad f at the point a (note the\n"
       "order: point first), always computed numerically by central\n"
       "differences, whatever the backend. Type it in the REPL as \\nabla\n"
       "followed by Tab, or with Ctrl-X n.",
       ("_0.5+3\u2207{x^2}", "6"), aliases=("Numeric-Gradient", "Del")),
    _h("\u2202", "Jacobian", "autograd", "a\u2202f",
       "The Jacobian of f at the point a: an m-by-n matrix whose row i holds\n"
       "the partial derivatives of the i-th result of f with respect to each\n"
       "element of a. With a list of global names, one Jacobian per name.\n"
       "Type it in the REPL as \\partial followed by Tab, or with Ctrl-X p.",
       ("_0.5+[1 2]\u2202{x^2}", "[[2 0] [0 4]]"), aliases=("Partial",)),
    _h(".jacobian", "Jacobian-Function", "function", ".jacobian(f;a)",
       "The same as a\u2202f: the Jacobian matrix of f at the point a.",
       ("_0.5+.jacobian({x^2};[1 2])", "[[2 0] [0 4]]"),),
    # --------------------------------------------------------------- syntax
    _h("{", "Function", "syntax", "{...}",
       "A function literal. Its arity is given by the arguments it mentions:\n"
       "none makes a nilad, x a monad, y a dyad, z a triad. A leading\n"
       "[a b] declares local variables. Call with f(x), f(x;y), f(x;y;z);\n"
       "a nilad is called as f().",
       ("{x+y}(2;3)", "5"), ("{[t];t::x*2;t+1}(5)", "11"), aliases=("Lambda",)),
    _h("(", "Projection", "syntax", "f(a;)",
       "Leaving out arguments of a call fixes the given ones and gives a new\n"
       "function of the missing ones.",
       ("{x-y}(10;)(3)", "7"), ("{x-y}(;10)(3)", "-7")),
    _h(":[", "Conditional", "syntax", ":[p;c;a]",
       "Evaluates p; if it is true (anything but 0, [] and \"\") the value is\n"
       "c, else a. More tests are chained with :| (else-if):\n"
       ":[p1;c1:|p2;c2;a].",
       (":[1;:yes;:no]", ":yes"), (":[0;1:|0;2;3]", "3"), aliases=("If", "Else-If", ":|")),
    _h(":{", "Dictionary", "syntax", ":{[k v] ...}",
       "A dictionary literal: [key value] tuples. Look keys up with ? (Find),\n"
       "add entries with , (Join) and remove them with _ (Drop).",
       (":{[1 :one] [2 :two]}?2", ":two"), aliases=("Dict",)),
    _h("[", "List", "syntax", "[a b ...]",
       "A list literal of data (numbers, characters, strings, symbols, lists,\n"
       "dictionaries); elements are separated by blanks, not evaluated.\n"
       "Numeric lists are stored as arrays of the active backend.",
       ("[1 2 [3 4]]", "[1 2 [3 4]]"), aliases=("List-Literal", "Vector")),
    _h(':"', "Comment", "syntax", ':"text"',
       "A comment: ignored by the interpreter. Use .comment to skip whole\n"
       "lines.", aliases=("Remark",)),
    _h(":", "Symbol", "syntax", ":name",
       "A quoted symbol: the name itself as a value, not the variable it\n"
       "names.",
       (":foo", ":foo"), ("@:foo", "1")),
    _h("0c", "Character", "syntax", "0cX",
       "A character literal: 0c followed by the character.",
       ("0ca", "0ca"), ("#0ca", "97")),
    # ------------------------------------------------------ system functions
    _h(".ac", "Append-Channel", "function", ".ac(a)",
       "Opens the file named by string a for writing at its end and returns\n"
       "an output channel (see .tc)."),
    _h(".cc", "Close-Channel", "function", ".cc(a)",
       "Closes channel a and gives []; closing it again does nothing. Open\n"
       "channels are closed (and flushed) when the program ends."),
    _h(".comment", "Comment-Lines", "function", ".comment(a)",
       "Skips the lines of the program that follow, up to and including the\n"
       "first line that starts with the string a; gives a."),
    _h(".d", "Display", "function", ".d(a)",
       "Writes a to the To Channel without a newline, strings and characters\n"
       "raw (without quotes); gives a. See .w for the readable form."),
    _h(".df", "Delete-File", "function", ".df(a)",
       "Deletes the file named by string a; an error when it cannot be\n"
       "deleted."),
    _h(".E", "Evaluate", "function", ".E(a)",
       "Runs the Klong program in string a and gives the value of its last\n"
       "expression.",
       ('.E("3*4")', "12"),),
    _h(".fc", "From-Channel", "function", ".fc(a)",
       "Makes input channel a the From Channel, which .r, .rl and .mi read;\n"
       "gives the previous one. A false argument restores .cin."),
    _h(".tc", "To-Channel", "function", ".tc(a)",
       "Makes output channel a the To Channel, which .p, .d and .w write;\n"
       "gives the previous one. A false argument restores .cout."),
    _h(".fl", "Flush", "function", ".fl()",
       "Forces what was written to the To Channel out to its file or device."),
    _h(".ic", "Input-Channel", "function", ".ic(a)",
       "Opens the file named by string a for reading and returns an input\n"
       "channel; a missing file is an error."),
    _h(".oc", "Output-Channel", "function", ".oc(a)",
       "Opens (creating or emptying) the file named by string a for writing\n"
       "and returns an output channel."),
    _h(".l", "Load", "function", ".l(a)",
       "Runs the program file named by string a and gives the value of its\n"
       "last expression. The name is tried as given and with .kg appended, in\n"
       "each folder of KLONGPATH (default: the current folder), then in the\n"
       "library shipped with Klong. A name starting with / or . is used as a\n"
       "path directly."),
    _h(".mi", "More-Input", "function", ".mi()",
       "1 while the From Channel still has input, 0 once reading has hit its\n"
       "end."),
    _h(".module", "Module", "function", ".module(a)",
       ".module(:name) opens a module and .module(0) closes it. Definitions\n"
       "inside a module see each other and keep doing so even when the same\n"
       "names are redefined outside it later. Modules do not nest."),
    _h(".p", "Print", "function", ".p(a)",
       "Writes a as .d does, followed by a newline; gives a."),
    _h(".pc", "Process-Clock", "function", ".pc()",
       "The processor time this process has used, in seconds, as a real."),
    _h(".r", "Read", "function", ".r()",
       "Reads one data object (a number, string, list, dictionary ...; it may\n"
       "span lines) from the From Channel. At the end of input it gives :eof."),
    _h(".rl", "Read-Line", "function", ".rl()",
       "Reads one line from the From Channel, without its line ending. At the\n"
       "end of input it gives \"\" (as the reference does) and .mi turns 0."),
    _h(".rn", "Random-Number", "function", ".rn()",
       "A random real number at least 0 and less than 1."),
    _h(".rs", "Read-String", "function", ".rs(a)",
       "Reads a data object from string a, the inverse of writing it with\n"
       "$ or .w.",
       ('.rs("[1 [2 3] :sym]")', "[1 [2 3] :sym]"),),
    _h(".sys", "System", "function", ".sys(a)",
       "Runs the shell command in string a, waits for it, and gives its exit\n"
       "status (0 means success)."),
    _h(".w", "Write", "function", ".w(a)",
       "Writes a to the To Channel in its readable form (strings quoted,\n"
       "characters as 0cX) without a newline; gives a. .r can read it back."),
    _h(".x", "Exit", "function", ".x(a)",
       "Ends the program: an integer a is the exit status; otherwise a false\n"
       "a gives status 0 and a true one status 1. Output is flushed first."),
    _h(".py", "Python-Import", "function", ".py(a)",
       "Imports the Python module named by string a (a module on the Python\n"
       "path, or a .py file or package next to the program) and binds its\n"
       "public functions as Klong functions."),
    _h(".pyf", "Python-From", "function", ".pyf(a;b)",
       "Imports only the attribute(s) named in b (a string or a list of\n"
       "strings) of the Python module a, as Klong functions or values."),
    _h(".pyc", "Python-Call", "function", ".pyc(f;a;k)",
       "Calls the Python callable f with the positional arguments in list a\n"
       "and the keyword arguments in dictionary k."),
    _h(".pya", "Python-Attribute", "function", ".pya(o;a)",
       "The attribute named by string a of the Python object o."),
    _h(".exp", "Exp", "function", ".exp(a)",
       "E raised to the power a, as a real. Atomic; computed by the backend\n"
       "(on torch it carries gradients). lib/math.kg gives it a plain name.",
       (".exp(0)", "1.0")),
    _h(".ln", "Ln", "function", ".ln(a)",
       "The natural logarithm of a (-inf at 0, nan below), as a real. Atomic; computed by the backend\n"
       "(on torch it carries gradients). lib/math.kg gives it a plain name.",
       (".ln(1)", "0.0")),
    _h(".sqrt", "Sqrt", "function", ".sqrt(a)",
       "The square root of a (nan for negative a), as a real. Atomic; computed by the backend\n"
       "(on torch it carries gradients). lib/math.kg gives it a plain name.",
       (".sqrt(16)", "4.0")),
    _h(".sin", "Sin", "function", ".sin(a)",
       "The sine of a (a in radians), as a real. Atomic; computed by the backend\n"
       "(on torch it carries gradients). lib/math.kg gives it a plain name.",
       (".sin(0)", "0.0")),
    _h(".cos", "Cos", "function", ".cos(a)",
       "The cosine of a (a in radians), as a real. Atomic; computed by the backend\n"
       "(on torch it carries gradients). lib/math.kg gives it a plain name.",
       (".cos(0)", "1.0")),
    _h(".tan", "Tan", "function", ".tan(a)",
       "The tangent of a (a in radians), as a real. Atomic; computed by the backend\n"
       "(on torch it carries gradients). lib/math.kg gives it a plain name.",
       (".tan(0)", "0.0")),
    _h(".asin", "Arcsin", "function", ".asin(a)",
       "The angle, in radians, whose sine is a, as a real. Atomic; computed by the backend\n"
       "(on torch it carries gradients). lib/math.kg gives it a plain name.",
       (".asin(0)", "0.0")),
    _h(".acos", "Arccos", "function", ".acos(a)",
       "The angle, in radians, whose cosine is a, as a real. Atomic; computed by the backend\n"
       "(on torch it carries gradients). lib/math.kg gives it a plain name.",
       (".acos(1)", "0.0")),
    _h(".atan", "Arctan", "function", ".atan(a)",
       "The angle, in radians, whose tangent is a, as a real. Atomic; computed by the backend\n"
       "(on torch it carries gradients). lib/math.kg gives it a plain name.",
       (".atan(0)", "0.0")),
    _h(".sinh", "Sinh", "function", ".sinh(a)",
       "The hyperbolic sine of a, as a real. Atomic; computed by the backend\n"
       "(on torch it carries gradients). lib/math.kg gives it a plain name.",
       (".sinh(0)", "0.0")),
    _h(".cosh", "Cosh", "function", ".cosh(a)",
       "The hyperbolic cosine of a, as a real. Atomic; computed by the backend\n"
       "(on torch it carries gradients). lib/math.kg gives it a plain name.",
       (".cosh(0)", "1.0")),
    _h(".tanh", "Tanh", "function", ".tanh(a)",
       "The hyperbolic tangent of a, as a real. Atomic; computed by the backend\n"
       "(on torch it carries gradients). lib/math.kg gives it a plain name.",
       (".tanh(0)", "0.0")),
    _h(".pow", "Pow", "function", ".pow(a;b)",
       "a raised to the power b: the same as a^b, as a function.",
       (".pow(2;5)", "32"),),
    _h(".time", "Time-Now", "function", ".time()",
       "The current time as seconds since 1970-01-01 00:00 UTC, a real with a\n"
       "fractional part."),
    _h(".tzoff", "Timezone-Offset", "function", ".tzoff(a)",
       "How many seconds local time is ahead of UTC at the moment a (seconds\n"
       "since 1970), daylight saving included."),
    # ------------------------------------------------------------- variables
    _h(".a", "Arguments", "variable", ".a",
       "The command-line arguments given after the program file, as a list of\n"
       "strings."),
    _h(".cin", "Standard-Input", "variable", ".cin",
       "The input channel reading the process's standard input."),
    _h(".cout", "Standard-Output", "variable", ".cout",
       "The output channel writing to the process's standard output."),
    _h(".cerr", "Standard-Error", "variable", ".cerr",
       "The output channel writing to the process's standard error."),
    _h(".cols", "Columns", "variable", ".cols",
       "The width of the screen in characters (80 by default)."),
    _h(".e", "Epsilon", "variable", ".e",
       "The smallest difference between two real numbers from 0.1 up to 1\n"
       "(2^-56 for double precision), so 1+.e is 1."),
    _h(".edit", "Editor", "variable", ".edit",
       "Kept for compatibility with the original Klong, where it switched its\n"
       "line editor on (1 by default, as there); this project's REPL always\n"
       "edits lines with prompt_toolkit."),
    _h(".f", "This-Function", "variable", ".f",
       "Inside a function, the function itself, so that anonymous functions\n"
       "can recurse.",
       ("{:[x<2;1;x*.f(x-1)]}(5)", "120"),),
    _h(".fastpow", "Fast-Power", "variable", ".fastpow",
       "Kept for compatibility with the original Klong, where a true value\n"
       "made ^ faster on reals; ^ is always computed by the backend here."),
    _h(".h", "Host", "variable", ".h",
       "A symbol naming the host system (:unix)."),
    _h(".helpdb", "Help-Database", "variable", ".helpdb",
       "[] at start, as in the reference interpreter, whose help module\n"
       "(.l(\"help\")) fills it with [form name text] entries."),
    _h("it", "It", "variable", "it",
       "In the REPL, the value of the most recent successful computation."),
    _h("klong", "Interpreter", "variable", "klong",
       "The running interpreter itself, for Python functions that take it as\n"
       "an argument (for example optimizers that compute gradients)."),
    # -------------------------------------------------- interactive commands
    _h("]!", "Shell", "command", "]! command",
       "Runs the command in the shell and shows its output."),
    _h("]a", "Apropos", "command", "]a word",
       "Lists the help topics whose name or text mentions word."),
    _h("]h", "Help", "command", "]h topic",
       "Shows help for an operator, adverb, system function or variable,\n"
       "given by its symbol (]h +, ]h :~, ]h .p) or its name (]h Plus).\n"
       "]hall lists every topic; ]h alone shows an overview."),
    _h("]i", "Inventory", "command", "]i folder",
       "Lists the Klong programs (*.kg files) in the folder; without a folder,\n"
       "the first folder of KLONGPATH (or the current folder)."),
    _h("]l", "Load-Command", "command", "]l file",
       "Loads a program file, like .l(\"file\")."),
    _h("]m", "Matrix-Layout", "command", "]m [on|off]",
       "]m on (the default) prints a result that is a list holding lists one\n"
       "element a line, indented like a matrix; ]m off prints it on one line,\n"
       "as .p writes it (klong --flat starts that way). ]m says which is on."),
    _h("]q", "Quit", "command", "]q",
       "Leaves the REPL (so does Ctrl-D on an empty line)."),
    _h("]t", "Transcript", "command", "]t file",
       "Appends everything typed (each input line starting with a tab) and\n"
       "everything shown to the file; ]t without a file stops the transcript."),
    _h("]b", "Backend", "command", "]b [name [device]]",
       "Without arguments, lists the installed backends and marks the active\n"
       "one. With a name (and optionally a device such as cpu or cuda),\n"
       "switches the session to that backend: data variables and functions\n"
       "are carried over to the new interpreter."),
    _h("]time", "Time", "command", "]time expr",
       "Evaluates expr repeatedly and shows the median time per run, with the\n"
       "fastest and slowest run."),
)


def _norm(s: str) -> str:
    return s.lower().replace("-", "").replace(" ", "")


def lookup(topic: str) -> list[Help]:
    """The entries for ``topic``: an operator or other key (``+``, ``.p``,
    ``]t``), or a name in any letter case (``plus``, ``Each-Left``)."""
    topic = topic.strip()
    found = [h for h in ENTRIES if h.key == topic]
    if not found and topic:
        n = _norm(topic)
        found = [h for h in ENTRIES if any(_norm(x) == n for x in h.names())]
    return found


def apropos(word: str) -> list[Help]:
    """Entries whose key, name or text mention ``word`` (any letter case)."""
    w = word.strip().lower()
    if not w:
        return []
    return [h for h in ENTRIES
            if w == h.key.lower() or any(w in x.lower() for x in h.names()) or w in h.text.lower()]


def index(width: int = 80) -> str:
    """Every topic, grouped by kind, in as many columns as fit in ``width``
    (what ``]hall`` shows)."""
    out = []
    for kind, heading in KINDS.items():
        entries = [h for h in ENTRIES if h.kind == kind]
        out.append(f"{heading}:")
        form_w = max(len(h.form) for h in entries)
        cells = [f"{h.form.ljust(form_w)}  {h.name}" for h in entries]
        cell_w = max(len(c) for c in cells) + 3
        ncols = max(1, (width - 2) // cell_w)
        nrows = -(-len(cells) // ncols)
        for r in range(nrows):  # column-major, like ls
            row = [cells[i] for i in range(r, len(cells), nrows)]
            out.append("  " + "".join(c.ljust(cell_w) for c in row).rstrip())
    return "\n".join(out)


OVERVIEW = """\
Klong help
  ]h topic     help on an operator, adverb, function or variable:
               ]h +   ]h Plus   ]h :~   ]h .p   ]h it
  ]hall        list every help topic
  ]a word      find topics mentioning a word (apropos)
  ]b           list backends; ]b torch [device] switches the session
  ]time expr   time an expression (median of repeated runs)
  ]l file      load a program        ]i [folder]  list *.kg programs
  ]t file      start a transcript    ]t           stop it
  ]m off       results on one line   ]m on        matrices one row a line
  ]! command   run a shell command   ]q           quit (or Ctrl-D)
Results show as Klong writes them; `it` holds the last one.
Ctrl-C interrupts a running computation and keeps the session."""
