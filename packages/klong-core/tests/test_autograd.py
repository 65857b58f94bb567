"""Differentiation as a language feature (``:>``, ``∇``, ``∂``, ``.jacobian``) on
every installed backend.

Backends that declare ``autograd`` (torch) must be exact: compared with an
analytic derivative to 1e-12 relative, with core's numeric fallback disabled so
that a silent fallback cannot pass for exactness. The others answer by numeric
differentiation and must agree with the analytic derivative to 1e-6.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest

import klong.autograd as autograd
from klong import KlongError, KlongInterpreter, value_and_gradients
from klong.plugins import list_backends

SEED = 0  # the random points are the same in every run
EXACT = {b.name for b in list_backends() if b.status == "ok" and b.autograd}


def exact(k: KlongInterpreter) -> bool:
    return k.backend.name in EXACT


def host(v):
    """A Klong result as a numpy float array (tensors detached, lists stacked)."""
    if hasattr(v, "detach"):
        v = v.detach().cpu().numpy()
    if isinstance(v, list):
        return np.array([host(e) for e in v], dtype=float)
    return np.asarray(v, dtype=float)


def close(k: KlongInterpreter, got, want, exact_rtol: float = 1e-12) -> None:
    """Exact backends to ``exact_rtol``, numeric ones to 1e-6 (relative and absolute)."""
    got, want = host(got), np.asarray(want, dtype=float)
    assert got.shape == want.shape
    tol = exact_rtol if exact(k) else 1e-6
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


@pytest.fixture
def no_fallback(k, monkeypatch):
    """On an exact backend, make any use of numeric differentiation fail loudly."""
    if exact(k):
        def refuse(*args, **kwargs):
            raise AssertionError("numeric differentiation used on an autograd backend")
        monkeypatch.setattr(autograd, "numeric_gradient", refuse)
        monkeypatch.setattr(autograd, "numeric_jacobian", refuse)
    return k


# -- every example of the product notes, with its result ---------------------------

NOTES = [
    ("f::{x^2};f:>3", 6.0),
    ("f::{x^3};f:>2", 12.0),
    ("p::{((3*x^4)-(2*x^2))+x};p:>1", 9.0),
    ("g::{+/x^2};g:>[1.0 2.0 3.0]", [2.0, 4.0, 6.0]),
    ("f::{x^2};x::5.0;lr::0.1;x::x-(lr*f:>x);x", 4.0),
    ("w::2.0;b::3.0;loss::{(w^2)+(b^2)};loss:>[w b]", [4.0, 6.0]),
    # (w*X)+b-Y is (w*X)+(b-Y): right to left
    ("w::1.0;b::0.0;X::[1 2 3];Y::[3 5 7];loss::{(+/((w*X)+b-Y)^2)%3};loss:>[w b]",
     [2 * ((1 - 3) * 1 + (2 - 5) * 2 + (3 - 7) * 3) / 3, 2 * ((1 - 3) + (2 - 5) + (3 - 7)) / 3]),
    ("f::{x^2};[1 2]∂f", [[2.0, 0.0], [0.0, 4.0]]),
    ("f::{x^2};.jacobian(f;[1 2])", [[2.0, 0.0], [0.0, 4.0]]),
    ("w::[1.0 2.0];b::[3.0 4.0];f::{w^2};[w b]∂f",
     [[[2.0, 0.0], [0.0, 4.0]], [[0.0, 0.0], [0.0, 0.0]]]),
    ("w::3.0;loss::{w^2};loss:>w", 6.0),
    ("w::10.0;loss::{w^2};lr::0.1;{w::w-(lr*loss:>w)}'!50;w", 10 * 0.8**50),
]


@pytest.mark.parametrize("src,want", NOTES, ids=[s for s, _ in NOTES])
def test_notes_examples(no_fallback, src, want) -> None:
    k = no_fallback
    got = k(src)
    close(k, got, want)
    if exact(k):  # exact means exact: the very numbers of the notes
        np.testing.assert_allclose(host(got), np.asarray(want, dtype=float), rtol=1e-13, atol=0)


def test_nabla_is_numeric_everywhere(k) -> None:
    assert k("f::{x^2};3∇f") == pytest.approx(6.0, rel=1e-9)
    # a Python function whose result carries no gradient: autograd sees a
    # constant (0), numeric differentiation sees the function's values (2x)
    k["detached"] = lambda x: float(np.asarray(host(x))) ** 2
    assert k("3.0∇detached") == pytest.approx(6.0, rel=1e-9)
    if exact(k):
        assert k("detached:>3.0") == 0.0


def test_the_loop_leaves_w_close_to_zero(k) -> None:
    assert 0 < k("w::10.0;loss::{w^2};lr::0.1;{w::w-(lr*loss:>w)}'!50;w") < 1e-3


# -- gradients flow through every primitive -------------------------------------------

V, M, S = (4,), (2, 2), None


def _cumprod_grad(x):
    g = np.zeros(len(x))
    for j in range(len(x)):
        for i in range(j, len(x)):
            g[j] += np.prod(x[: i + 1]) / x[j]
    return g


def _cummax_grad(x):
    g = np.zeros(len(x))
    for i in range(len(x)):
        g[np.argmax(x[: i + 1])] += 1
    return g


def _while_grad(x):
    k = 0
    while x < 100:
        x, k = x * 2, k + 1
    return 2.0**k


# name, f, shape of the point (S: a number), analytic gradient
FLOW = [
    ("square", "{x^2}", S, lambda x: 2 * x),
    ("cube", "{x^3}", S, lambda x: 3 * x**2),
    ("real power", "{x^2.5}", S, lambda x: 2.5 * x**1.5),
    ("negative power", "{x^-2}", S, lambda x: -2 * x**-3.0),
    ("variable exponent", "{2^x}", S, lambda x: np.log(2) * 2**x),
    ("x to the x", "{x^x}", S, lambda x: x**x * (np.log(x) + 1)),
    ("polynomial", "{((3*x^4)-(2*x^2))+x}", S, lambda x: 12 * x**3 - 4 * x + 1),
    ("divide", "{+/1%x}", V, lambda x: -1 / x**2),
    ("reciprocal", "{+/%x}", V, lambda x: -1 / x**2),
    ("negate", "{+/-x*x}", V, lambda x: -2 * x),
    ("minus", "{+/x*x-3}", V, lambda x: 2 * x - 3),
    ("sum", "{+/x*x}", V, lambda x: 2 * x),
    ("product", "{*/x}", V, lambda x: np.prod(x) / x),
    ("max reduce", "{|/x}", V, lambda x: (x == x.max()).astype(float)),
    ("min reduce", "{&/x}", V, lambda x: (x == x.min()).astype(float)),
    ("min", "{+/x&1.0}", V, lambda x: (x < 1).astype(float)),
    ("max", "{+/x|1.0}", V, lambda x: (x > 1).astype(float)),
    ("sum scan", "{+/+\\x}", V, lambda x: np.array([4.0, 3, 2, 1])),
    ("product scan", "{+/*\\x}", V, _cumprod_grad),
    ("max scan", "{+/|\\x}", V, _cummax_grad),
    ("matrix sums", "{+/+/x^2}", M, lambda x: 2 * x),
    ("each", "{+/{x*x*x}'x}", V, lambda x: 3 * x**2),
    ("each-2", "{+/x{x*y^2}'|x}", V, lambda x: x[::-1] ** 2 + 2 * x * x[::-1]),
    ("each-left", "{+/+/(+/x){x*y^2}:\\x}", V, lambda x: (x**2).sum() + 2 * x * x.sum()),
    ("each-right", "{+/+/(+/x){x*y^2}:/x}", V, lambda x: 3 * x.sum() ** 2 + 0 * x),
    ("each-pair", "{+/{x*y}:'x}", V, lambda x: np.r_[x[1:], 0] + np.r_[0, x[:-1]]),
    ("over", "{{x+y*y}/x}", V, lambda x: np.r_[1, 2 * x[1:]]),
    ("over neutral", "{1.0{x*y}/x}", V, lambda x: np.prod(x) / x),
    ("scan", "{+/{x*y}\\x}", V, _cumprod_grad),
    ("iterate", "{3{x*x}:*x}", S, lambda x: 8 * x**7),
    ("iterate vector", "{+/2{x*x}:*x}", V, lambda x: 4 * x**3),
    ("scan iterate", "{+/2{x*x}\\*x}", S, lambda x: 1 + 2 * x + 4 * x**3),
    ("while", "{{x<100}{x*2}:~x}", S, _while_grad),
    ("converge", "{{x&3.0}:~x}", S, lambda x: 1.0),
    ("conditional", "{:[x>1;x^2;x^3]}", S, lambda x: 2 * x if x > 1 else 3 * x**2),
    ("conditional each", "{+/{:[x>1;x^2;x^3]}'x}", V, lambda x: np.where(x > 1, 2 * x, 3 * x**2)),
    ("projection", "{+/{x^y}(;3)'x}", V, lambda x: 3 * x**2),
    ("projection left", "{p::{x*y}(2.0;);+/p(x)}", V, lambda x: 2 + 0 * x),
    ("nested functions", "{sq::{x*x};qd::{sq(sq(x))};+/qd(x)}", V, lambda x: 4 * x**3),
    ("index", "{(x@1)*x@2}", V, lambda x: np.array([0, x[2], x[1], 0])),
    ("index list", "{+/(x@[0 0 2])^2}", V, lambda x: np.array([4 * x[0], 0, 2 * x[2], 0])),
    ("index row", "{+/(x@1)^2}", M, lambda x: np.array([[0, 0], [2 * x[1, 0], 2 * x[1, 1]]])),
    ("index depth", "{(x:@[1 0])*x:@[0 1]}", M, lambda x: np.array([[0, x[1, 0]], [x[0, 1], 0]])),
    ("first", "{(*x)^2}", V, lambda x: np.array([2 * x[0], 0, 0, 0])),
    ("take", "{+/(3#x)^2}", V, lambda x: np.r_[2 * x[:3], 0]),
    ("overtake", "{+/(6#x)^2}", V, lambda x: 2 * x * np.array([2, 2, 1, 1])),
    ("take from the end", "{+/((-2)#x)^2}", V, lambda x: np.r_[0, 0, 2 * x[2:]]),
    ("drop", "{+/(1_x)^2}", V, lambda x: np.r_[0, 2 * x[1:]]),
    ("reverse", "{+/x*|x}", V, lambda x: 2 * x[::-1]),
    ("rotate", "{+/x*1:+x}", V, lambda x: np.roll(x, 1) + np.roll(x, -1)),
    ("reshape", "{+/+/([2 2]:^x)^2}", V, lambda x: 2 * x),
    ("reshape cyclic", "{+/+/([3 2]:^x)^2}", V, lambda x: 2 * x * np.array([2, 2, 1, 1])),
    ("join", "{+/(x,x)^2}", V, lambda x: 4 * x),
    ("join a number", "{+/(x,3.0)^2}", V, lambda x: 2 * x),
    ("join an element", "{+/((*x),x)^2}", V, lambda x: 2 * x + np.r_[2 * x[0], 0, 0, 0]),
    ("join over", "{+/,/{x,x*x}'x}", V, lambda x: 1 + 2 * x),
    ("join over a matrix", "{+/(,/x)^3}", M, lambda x: 3 * x**2),
    ("transpose", "{+/+/(+x)*[[1 2] [3 4]]}", M, lambda x: np.array([[1.0, 3], [2, 4]])),
    ("amend", "{+/(x:=(3*x@0),1)^2}", V,
     lambda x: np.array([2 * x[0] + 18 * x[0], 0, 2 * x[2], 2 * x[3]])),
    ("amend a constant", "{+/(x:=0.0,1)^2}", V, lambda x: np.r_[2 * x[0], 0, 2 * x[2:]]),
    ("amend in depth", "{+/+/(x:-0.0,1,0)^2}", M,
     lambda x: np.array([[2 * x[0, 0], 2 * x[0, 1]], [0, 2 * x[1, 1]]])),
    ("cut", "{+/,/(2:_x)^2}", V, lambda x: 2 * x),
    ("split", "{+/,/(2:#x)^2}", V, lambda x: 2 * x),
    ("grade and index", "{+/(x@<x)*1+!4}", V, lambda x: (np.argsort(np.argsort(x)) + 1.0)),
    ("unique", "{+/?x}", V, lambda x: 1 + 0 * x),
    ("group", "{+/x*#'=x}", V, lambda x: 1 + 0 * x),
    ("floor", "{+/_x}", V, lambda x: 0 * x),
    ("floor as a factor", "{+/x*_x}", V, lambda x: np.floor(x)),
    ("floor as an index", "{x*[1.0 2.0 3.0 4.0]@_x}", S, lambda x: np.floor(x) + 1),
    ("floor as a count", "{x*0+/(_x)#[1.0 2.0 3.0]}", S,
     lambda x: float(sum([1, 2, 3][: int(np.floor(x))]))),
    ("comparison", "{+/x*x>1}", V, lambda x: (x > 1).astype(float)),
    ("equality", "{+/x*x=x}", V, lambda x: 1 + 0 * x),
    ("match", "{:[x~x;x*x;0]}", S, lambda x: 2 * x),
    ("size of a number", "{#x}", S, lambda x: np.sign(x)),
    ("dictionary value", "{d:::{[1 2]};d,(:a),x;(d?:a)^2}", S, lambda x: 2 * x),
    ("dictionary key", "{d:::{[1 2]};d,x,3.0;x*d?x}", S, lambda x: 3 + 0 * x),
    ("list of numbers", "{a::x*2;b::x*3;+/[1 2]*(a,b)}", S, lambda x: 8 + 0 * x),
    ("mixed list", "{a::x*2;+/+/(a,[[1.0 2.0]])}", S, lambda x: 4 + 0 * x),
    ("fold over a list", "{{x*y}/[1.0 2.0],x}", S, lambda x: 2 + 0 * x),
    ("join reals", "{+/(x,1.0,x*x)^2}", S, lambda x: 2 * x + 4 * x**3),
    ("grade reals, some plain", '{r::(x*2),(x*1),1000.0,0.25;x*+/(<r)*!4}', S, lambda x: 7.0),
    ("printing inside", "{.d(\"\");x*x}", S, lambda x: 2 * x),
    ("formatting inside", "{($x);x*x}", S, lambda x: 2 * x),
    # the standard library's math module
    ("exp", "{+/exp(x)}", V, np.exp),
    ("ln", "{+/ln(x)}", V, lambda x: 1 / x),
    ("sqrt", "{+/sqrt(x)}", V, lambda x: 0.5 / np.sqrt(x)),
    ("sin", "{+/sin(x)}", V, np.cos),
    ("cos", "{+/cos(x)}", V, lambda x: -np.sin(x)),
    ("tan", "{+/tan(x%2)}", V, lambda x: 0.5 / np.cos(x / 2) ** 2),  # away from the pole
    ("tanh", "{+/tanh(x)}", V, lambda x: 1 - np.tanh(x) ** 2),
    ("sinh", "{+/sinh(x)}", V, np.cosh),
    ("cosh", "{+/cosh(x)}", V, np.sinh),
    ("atan", "{+/atan(x)}", V, lambda x: 1 / (1 + x * x)),
    ("asin", "{+/asin(x%3)}", V, lambda x: 1 / np.sqrt(1 - (x / 3) ** 2) / 3),
    ("acos", "{+/acos(x%3)}", V, lambda x: -1 / np.sqrt(1 - (x / 3) ** 2) / 3),
    ("exp times sin", "{exp(x)*sin(x)}", S, lambda x: np.exp(x) * (np.sin(x) + np.cos(x))),
    ("log base 2", "{log(2;x)}", S, lambda x: 1 / (x * np.log(2))),
    ("softplus", "{+/ln(1+exp(x))}", V, lambda x: 1 / (1 + np.exp(-x))),
]


def point(rng: np.random.Generator, shape):
    """Random reals in [0.5, 2], away from the kinks of floor, max and the
    conditionals (integers) and pairwise distinct (so max and min are unique)."""
    while True:
        x = rng.uniform(0.5, 2.0, 1 if shape is None else shape)
        flat = np.sort(x.ravel())
        if np.all(np.abs(x - np.round(x)) > 0.02) and np.all(np.diff(flat) > 0.02):
            return float(x[0]) if shape is None else x


@pytest.mark.parametrize("name,src,shape,grad", FLOW, ids=[c[0] for c in FLOW])
def test_gradient_flows_through(no_fallback, name, src, shape, grad) -> None:
    k = no_fallback
    k('.l("math")')
    k("f::" + src)
    rng = np.random.default_rng(zlib.crc32(name.encode()) + SEED)
    for _ in range(3):
        x = point(rng, shape)
        k["p"] = x
        got = k("f:>p")
        if shape is None:
            assert k.verbs.is_num(got)  # a number for a number
        close(k, got, grad(np.array(x) if shape else x))


def test_a_python_function_computing_on_the_arrays_it_receives(no_fallback) -> None:
    k = no_fallback
    k["cube"] = lambda x: x * x * x  # the backend's own arithmetic on what it is given
    close(k, k("{+/cube(x)}:>[1.0 2.0]"), [3.0, 12.0])
    close(k, k("{cube(x)}:>2.0"), 12.0)


# -- second and higher order ----------------------------------------------------------

SECOND = [
    ("f::{x^3};g::{f:>x};g:>3.0", 18.0),
    ("f::{x^4};g::{f:>x};h::{g:>x};h:>2.0", 12 * 2.0**2),
    ("f::{+/x^3};g::{+/f:>x};g:>[1.0 2.0]", [6.0, 12.0]),
    ('.l("math");f::{sin(x)};g::{f:>x};g:>1.0', -np.sin(1.0)),
    ('.l("math");f::{exp(2*x)};g::{f:>x};g:>0.5', 4 * np.exp(1.0)),
    # the inner derivative depends on the outer point through a global
    ("g::{a::x;h::{a*x^2};h:>1.0};g:>5.0", 2.0),
    # gradients with respect to globals, differentiated again
    ("w::3.0;loss::{w^3};g::{w::x;loss:>w};g:>2.0", 12.0),
]


@pytest.mark.parametrize("src,want", SECOND, ids=[s for s, _ in SECOND])
def test_second_order(k, src, want) -> None:
    close(k, k(src), want, exact_rtol=1e-12)


def test_matching_a_number_that_carries_a_gradient(k) -> None:
    """~ against a plain number (a discontinuous test: exact backends see the
    branch taken at the point, numeric ones the neighbourhood)."""
    for src in ("{:[x~2.0;x*x;0]}:>2.0", "{:[2.0~x;x*x;0]}:>2.0", "{:[(x,1.0)~[2.0 1.0];x*x;0]}:>2.0"):
        got = k(src)
        assert got == (4.0 if exact(k) else 0.0)


def test_numeric_inside_exact(k) -> None:
    """∇ only adds and scales values, so it can itself be differentiated."""
    got = k("f::{x^4};g::{x∇f};g:>2.0")  # d/dx of (numeric 4x^3) = 12x^2
    np.testing.assert_allclose(host(got), 48.0, rtol=1e-7)


# -- several parameters -------------------------------------------------------------

def test_vector_and_matrix_parameters(no_fallback) -> None:
    k = no_fallback
    rng = np.random.default_rng(7)
    W, b, X, Y = rng.normal(size=(2, 3)), rng.normal(size=2), rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    for name, v in dict(W=W, b=b, X=X, Y=Y).items():
        k[name] = v
    # loss = sum over the samples i of |W X_i + b - Y_i|^2
    k("pred::{(x{+/x*y}:/W)+b}")
    k("loss::{+/,/{(pred(X@x)-Y@x)^2}'!#X}")
    gW, gb = k("loss:>[W b]")
    E = X @ W.T + b - Y
    close(k, gW, 2 * E.T @ X)
    close(k, gb, 2 * E.sum(axis=0))
    assert k.show(k("W")) == k.show(k.to_klong(W))  # left as they were


def test_value_and_gradients_from_python(k) -> None:
    calls = []
    k["tick"] = lambda: calls.append(1) or 0
    k("w::1.0;b::0.0;X::[1 2 3];Y::[3 5 7];loss::{tick();(+/((w*X)+b-Y)^2)%3}")
    value, (gw, gb) = value_and_gradients(k, "loss", ["w", "b"])
    assert value == pytest.approx((4 + 9 + 16) / 3)
    close(k, gw, -40 / 3)
    close(k, gb, -6.0)
    # one forward pass with autograd; 1 + 4 per parameter numerically
    assert len(calls) == (1 if exact(k) else 1 + 4 * 2)
    assert k("w") == 1.0 and k("b") == 0.0
    # symbols and a function value work as well
    value2, grads2 = value_and_gradients(k, k.globals["loss"], [k("[w]")[0]])
    assert value2 == pytest.approx(value) and len(grads2) == 1


def test_gradients_are_backend_arrays_in_float64(k) -> None:
    g = k("g::{+/x^2};g:>[1.0 2.0 3.0]")
    assert isinstance(g, k.backend.array_type)
    assert k.backend.kind(g) == "f"
    if k.backend.float64:
        assert str(g.dtype).endswith("float64")
    assert type(k("f::{x^2};f:>3")) is float


# -- Jacobians ------------------------------------------------------------------------

JACOBIAN_SHAPES = [
    ("f::{x^2};[1 2]∂f", (2, 2)),
    ("f::{x^2};3∂f", (1, 1)),
    ("f::{+/x^2};[1 2 3]∂f", (1, 3)),  # scalar f: 1×n on every backend
    ("f::{x,x^2};3∂f", (2, 1)),
    ("f::{x,x};[1 2 3]∂f", (6, 3)),
    ("f::{x*2};[[1 2] [3 4]]∂f", (4, 4)),  # matrices count their elements row-major
    ("f::{+/+/x};[[1 2] [3 4]]∂f", (1, 4)),
    ("f::{x^2};.jacobian(f;[1 2 3])", (3, 3)),
    ("w::[1.0 2.0];b::[3.0 4.0];f::{w^2};[w b]∂f", (2, 2, 2)),
    ("w::[1.0 2.0];f::{+/w^2};w∂f", (1, 2)),
    ("w::[1.0 2.0];f::{w^2};.jacobian(f;[w])", (1, 2, 2)),
]


@pytest.mark.parametrize("src,shape", JACOBIAN_SHAPES, ids=[s for s, _ in JACOBIAN_SHAPES])
def test_jacobian_shapes(no_fallback, src, shape) -> None:
    assert host(no_fallback(src)).shape == shape


def test_jacobian_values(no_fallback) -> None:
    k = no_fallback
    k("f::{((x@0)*x@1),(x@0)+x@1}")
    close(k, k("[2.0 3.0]∂f"), [[3.0, 2.0], [1.0, 1.0]])
    close(k, k(".jacobian(f;[2.0 3.0])"), [[3.0, 2.0], [1.0, 1.0]])
    close(k, k("f::{x*[[1 2] [3 4]]};[1.0 2.0]∂f"), [[1, 0], [2, 0], [0, 3], [0, 4]])


# -- nilads and names -----------------------------------------------------------------

def test_nilad_at_a_bare_name_is_the_gradient_itself(k) -> None:
    k("w::3.0;loss::{w^2}")
    close(k, k("loss:>w"), 6.0)
    close(k, k("loss:>[w]"), [6.0])  # a one-name list gives a one-element list
    close(k, k("loss:>:w"), 6.0)  # a symbol names the global too
    close(k, k("w∂loss"), [[6.0]])
    close(k, k("w∇loss"), 6.0)
    close(k, k("{[w];w::[1.0 2.0];loss::{+/w^2};loss:>w}()"), [2.0, 4.0])  # a local


def test_names_inside_a_module_are_the_modules_variables(k) -> None:
    k(".module(:m); w::2.0; loss::{w^2}; g::{loss:>[w]}; h::{loss:>w}; .module(0)")
    close(k, k("g()"), [4.0])
    close(k, k("h()"), 4.0)


def test_nilads_through_adverbs(k) -> None:
    assert k.backend.tolist(k("n::{1+2};n'[1 2 3]")) == [3, 3, 3]
    with pytest.raises(KlongError):
        k("{1}(5)")


def test_globals_are_never_left_altered(k) -> None:
    k("w::2.0;b::[1.0 2.0];loss::{w::w+1;b::b*0;+/(w^2)+b}")
    k("loss:>[w b]")
    assert k("w") == 2.0 and host(k("b")).tolist() == [1.0, 2.0]
    k('bad::{w::100;b::"x";w+b}')
    with pytest.raises(KlongError):
        k("bad:>[w b]")
    assert k("w") == 2.0 and host(k("b")).tolist() == [1.0, 2.0]
    with pytest.raises(KlongError):
        k("[w b]∂bad")
    assert k("w") == 2.0


# -- errors ---------------------------------------------------------------------------

ERRORS = [
    ("f::{x^2};f:>[1.0 2.0]", "returned a list of shape [2]; reduce it to one number (with +/"),
    ("f::{x^2};f:>[[1.0 2.0] [3.0 4.0]]", "shape [2 2]"),
    ("f::{x,x};f:>3", "or use \u2202 for the Jacobian"),
    ('f::{x;"abc"};f:>3', 'returned the string "abc"'),
    ('f::{x^2};f:>"abc"', 'cannot differentiate with respect to the string "abc"'),
    ("f::{x^2};f:>:foo", "foo: it is not a defined variable"),
    ("loss::{w^2};loss:>[nosuchvariable]", "nosuchvariable: it is not a defined variable"),
    ('w::"abc";loss::{w^2};loss:>w', 'w (its value is the string "abc")'),
    ("w::{x};loss::{w(2)};loss:>w", "w (its value is a function)"),
    ("f::{x^2};f:>[]", "a number or a list of numbers is needed"),
    ("3:>4", ":>: the left operand must be the function to differentiate, not 3"),
    ("3\u22074", "\u2207: the right operand must be the function"),
    ("f::{x^2};.jacobian(3;f)", ".jacobian: the first argument must be the function"),
    ("w::2.0;loss::{w^2};loss:>3", "the function takes no argument"),
    ("f::{x+y};f:>3", "a function of one argument is needed, not a dyad"),
    ('f::{"abc"};[1.0]\u2202{x;"abc"}', "must return a number or a list of numbers"),
]


@pytest.mark.parametrize("src,message", ERRORS, ids=[s for s, _ in ERRORS])
def test_errors(k, src, message) -> None:
    with pytest.raises(KlongError) as info:
        k(src)
    assert message in info.value.message
    assert info.value.pos is not None  # located: rendered with a caret


def test_an_error_inside_f_keeps_its_position(k) -> None:
    src = 'f::{a::x*2;a+"a"}\nf:>3.0'
    with pytest.raises(KlongError) as info:
        k(src)
    e = info.value
    assert e.line_col() == (1, src.index("+"))  # the + inside f, not the :>
    assert "^" in e.render()
    with pytest.raises(KlongError) as info:
        k("[1.0 2.0]\u2202f")
    assert info.value.source == src and info.value.line_col() == (1, src.index("+"))


# -- the hooks: a backend with its own autograd is consulted, core falls back ----------

def test_a_backends_own_gradient_hook_answers(k) -> None:
    import pluggy

    from klong import hookspecs

    class Answer:
        @hookspecs.hookimpl
        def klong_gradient(self, backend, fn, x):
            return 42.0

        @hookspecs.hookimpl
        def klong_jacobian(self, backend, fn, x):
            return k.backend.asarray([[7.0]])

    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.register(Answer())
    k._plugin_manager = pm
    assert k("{x^2}:>3") == 42.0
    assert host(k("3\u2202{x^2}")).tolist() == [[7.0]]
    assert k("3\u2207{x^2}") == pytest.approx(6.0)  # ∇ never asks
    k._plugin_manager = None  # no plugins at all: numeric differentiation answers
    assert k("{x^2}:>3") == pytest.approx(6.0, rel=1e-10)


def test_numeric_step_suits_float32() -> None:
    k = KlongInterpreter(backend="numpy")
    assert autograd._step(k, 1.0) == pytest.approx(2.220446049250313e-16 ** 0.2)
    assert autograd._step(k, 100.0) == pytest.approx(100 * 2.220446049250313e-16 ** 0.2)
    if "torch" in {b.name for b in list_backends() if b.status == "ok"}:
        k32 = KlongInterpreter(backend="torch", device="cpu", precision=32)
        assert autograd._step(k32, 1.0) == pytest.approx(1.1920929e-07 ** 0.2)
        assert k32("3\u2207{x^2}") == pytest.approx(6.0, rel=1e-4)
        assert k32("{x^2}:>3") == 6.0


def test_hooks_are_called_as_pluggy_calls_them() -> None:
    """core calls the backend's gradient hooks directly, without pluggy's
    dispatch: the same answer pluggy gives (last registered first, the first
    answer that is not None, each implementation given only the arguments it
    names), and pluggy itself for hook wrappers."""
    import pluggy

    from klong import hookspecs

    calls = []

    class Declines:
        @hookspecs.hookimpl
        def klong_gradient(self, backend, fn, x):
            calls.append("declines")

    class Answers:
        @hookspecs.hookimpl
        def klong_gradient(self, fn, x):  # names fewer arguments than the spec
            calls.append("answers")
            return fn(x) + 1

    class Late:
        @hookspecs.hookimpl
        def klong_gradient(self, x):
            calls.append("late")

    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    for plugin in (Declines(), Answers(), Late()):
        pm.register(plugin)
    args = dict(backend=None, fn=lambda x: 2 * x, x=5)
    assert autograd._first_answer(pm, "klong_gradient", args) == 11
    ours, calls[:] = list(calls), []
    assert pm.hook.klong_gradient(**args) == 11
    assert ours == calls == ["late", "answers"]
    assert autograd._first_answer(pm, "klong_value_and_grads", dict(backend=None, fn=None, xs=[])) is None

    class Wraps:
        @hookspecs.hookimpl(wrapper=True)
        def klong_gradient(self, x):
            return (yield) * 10

    pm.register(Wraps())
    assert autograd._first_answer(pm, "klong_gradient", args) == 110
