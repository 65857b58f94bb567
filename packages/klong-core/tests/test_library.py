"""The standard library (klong/lib/*.kg), loaded with .l, on every installed backend."""

from __future__ import annotations

import calendar
import math
import os
import statistics
import time
from pathlib import Path

import pytest

from klong import KlongInterpreter
from klong.sysfns import LIB_DIR

MODULES = ["math", "stats", "sets", "strings", "time"]


@pytest.fixture(autouse=True)
def _outside_any_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty working directory and no KLONGPATH: .l finds the bundled library."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KLONGPATH", raising=False)


def floats(v) -> list[float]:
    return [float(x) for x in v]


def test_every_module_is_documented_and_loads_with_the_others(k: KlongInterpreter) -> None:
    for name in MODULES:
        text = (LIB_DIR / f"{name}.kg").read_text()
        assert text.startswith(f':"{name} -- ')
        assert f".module(:{name})" in text and ".module(0)" in text
    k(";".join(f'.l("{m}")' for m in MODULES))
    k(";".join(f'.l("{m}")' for m in MODULES))  # loading again changes nothing
    assert k("mean([1 2 3])") == 2
    assert k.show(k('split(upper("a,b");0c,)')) == '["A" "B"]'
    assert k("exp(0)") == 1.0


# -- math -------------------------------------------------------------------------

@pytest.mark.parametrize("name,f", [("exp", math.exp), ("ln", math.log), ("sqrt", math.sqrt),
                                    ("sin", math.sin), ("cos", math.cos), ("tan", math.tan),
                                    ("asin", math.asin), ("acos", math.acos), ("atan", math.atan),
                                    ("sinh", math.sinh), ("cosh", math.cosh), ("tanh", math.tanh)])
def test_math_functions(k: KlongInterpreter, name: str, f) -> None:
    k('.l("math")')
    assert k(f"{name}(0.3)") == pytest.approx(f(0.3), rel=1e-15)
    assert floats(k(f"{name}([0.1 0.2 0.9])")) == pytest.approx([f(0.1), f(0.2), f(0.9)], rel=1e-15)
    assert floats(k(f"{name}'[0.1 0.2]")) == pytest.approx([f(0.1), f(0.2)], rel=1e-15)
    nested = k.to_python(k(f"{name}([0.5 [0.25]])"))
    assert (nested[0], float(nested[1][0])) == pytest.approx((f(0.5), f(0.25)), rel=1e-15)


def test_math_constants_and_log(k: KlongInterpreter) -> None:
    k('.l("math")')
    assert k("pi") == pytest.approx(math.pi, rel=1e-15)
    assert k("e") == pytest.approx(math.e, rel=1e-15)
    assert k(".e") < 1e-6  # epsilon is untouched
    assert k("log(2;1024)") == pytest.approx(10)
    assert k("ln(exp(2.5))") == pytest.approx(2.5)
    assert k("sin(pi)") == pytest.approx(0, abs=1e-15)
    assert k("(sqrt(2)*sqrt(2))~2.0") == 1


def test_math_functions_cannot_be_broken_by_redefinition(k: KlongInterpreter) -> None:
    k('.l("math");.l("stats")')
    k("sqrt::{x};exp::0")
    assert k("std([2 4 4 4 5 5 7 9])") == 2.0


def test_math_gradients(k: KlongInterpreter) -> None:
    k('.l("math")')
    assert k("{exp(x)}:>1.0") == pytest.approx(math.e, rel=1e-6)
    assert k("{sin(x)^2}:>0.7") == pytest.approx(2 * math.sin(0.7) * math.cos(0.7), rel=1e-6)
    g = floats(k("{+/tanh(x)}:>[0.0 1.0]"))
    assert g == pytest.approx([1.0, 1 - math.tanh(1) ** 2], rel=1e-6)


def test_math_gradients_are_exact_on_torch() -> None:
    pytest.importorskip("klong_torch")
    k = KlongInterpreter(backend="torch")
    k('.l("math")')
    assert k("{exp(x)}:>1.0") == math.e
    assert k("{ln(x)*x}:>e") == 2.0
    assert floats(k("{+/sqrt(x)}:>[4.0 16.0]")) == [0.25, 0.125]


# -- stats ----------------------------------------------------------------------------

XS = [2.5, 1.0, 4.0, 3.5, 8.0, 6.25, 0.5]
YS = [1.0, 2.0, 2.5, 4.5, 9.0, 5.0, 1.5]


def kl(xs: list) -> str:
    return "[" + " ".join(repr(x) for x in xs) + "]"


def test_stats_against_python(k: KlongInterpreter) -> None:
    k(f'.l("stats");xs::{kl(XS)};ys::{kl(YS)}')
    assert k("mean(xs)") == pytest.approx(statistics.fmean(XS))
    assert k("median(xs)") == statistics.median(XS)
    assert k("median(1_xs)") == statistics.median(XS[1:])
    assert k("var(xs)") == pytest.approx(statistics.pvariance(XS))
    assert k("svar(xs)") == pytest.approx(statistics.variance(XS))
    assert k("std(xs)") == pytest.approx(statistics.pstdev(XS))
    assert k("sstd(xs)") == pytest.approx(statistics.stdev(XS))
    n = len(XS)
    assert k("cov(xs;ys)") == pytest.approx(statistics.covariance(XS, YS) * (n - 1) / n)
    assert k("corr(xs;ys)") == pytest.approx(statistics.correlation(XS, YS))
    slope, intercept = statistics.linear_regression(XS, YS)
    assert floats(k("linreg(xs;ys)")) == pytest.approx([slope, intercept])


def test_stats_small_cases(k: KlongInterpreter) -> None:
    k('.l("stats")')
    assert k("mean([1 2 3 4])") == 2.5
    assert k("median([3 1 2])") == 2
    assert k("median([4 1 3 2])") == 2.5
    assert k("median(,7)") == 7
    assert k("var([5 5 5])") == 0
    assert k("corr([1 2 3];[2 4 6])") == pytest.approx(1.0)
    assert k("corr([1 2 3];[3 2 1])") == pytest.approx(-1.0)
    assert floats(k("linreg([1 2 3];[3 5 7])")) == pytest.approx([2.0, 1.0])


def test_stats_are_differentiable(k: KlongInterpreter) -> None:
    k('.l("stats")')
    g = floats(k("{var(x)}:>[1.0 2.0 6.0]"))
    assert g == pytest.approx([2 * (v - 3) / 3 for v in (1, 2, 6)], rel=1e-5)


# -- sets -----------------------------------------------------------------------------

@pytest.mark.parametrize("expr,expected", [
    ("union([1 2 3];[3 4 1 5])", "[1 2 3 4 5]"),
    ("union([1 1 2];[])", "[1 2]"),
    ('union("hello";"world")', '"helowrd"'),
    ("union([[1 2] [3]];[[3] [4]])", "[[1 2] [3] [4]]"),
    ("inter([1 2 3 2];[2 3 4])", "[2 3]"),
    ("inter([1 2];[3])", "[]"),
    ('inter("hello";"world")', '"lo"'),
    ("diff([1 2 3 4 1];[2 4])", "[1 3]"),
    ("diff([:a :b :c];[:b])", "[:a :c]"),
    ("member(3;[1 2 3])", "1"),
    ("member(7;[1 2 3])", "0"),
    ('member("b";["a" "b"])', "1"),
    ("member(0cb;\"abc\")", "1"),
    ("member([1 2];[[1 2] 3])", "1"),
    ("member(1;[])", "0"),
    ("subset([1 2];[3 2 1])", "1"),
    ("subset([1 5];[3 2 1])", "0"),
    ("subset([];[1])", "1"),
])
def test_sets(k: KlongInterpreter, expr: str, expected: str) -> None:
    k('.l("sets")')
    assert k.show(k(expr)) == expected


# -- strings --------------------------------------------------------------------------

@pytest.mark.parametrize("expr,expected", [
    ('split("a,b,,c";0c,)', '["a" "b" "" "c"]'),
    ('split(",a,";",")', '["" "a" ""]'),
    ('split("a--b----c";"--")', '["a" "b" "" "c"]'),
    ('split("xyyyyz";"yy")', '["x" "" "z"]'),
    ('split("abc";"")', '["a" "b" "c"]'),
    ('split("abc";0c,)', '["abc"]'),
    ('split("";0c,)', '[""]'),
    ('join(["a" "b" "c"];", ")', '"a, b, c"'),
    ('join([1 2 3];0c-)', '"1-2-3"'),
    ('join(,"only";",")', '"only"'),
    ('join([];",")', '""'),
    ('join(split("a b c";0c );"")', '"abc"'),
    ('trim("  a b \t\n")', '"a b"'),
    ('trim("   ")', '""'),
    ('ltrim("  ab  ")', '"ab  "'),
    ('rtrim("  ab  ")', '"  ab"'),
    ('upper("Hello, World {`@[}")', '"HELLO, WORLD {`@[}"'),
    ('lower("Hello, World {`@[}")', '"hello, world {`@[}"'),
    ('num(" 3.25 ")', "3.25"),
    ('num("-12")', "-12"),
    ('num("1e3")', "1000.0"),
    ('num("abc")', ":undefined"),
    ('num("1-2")', ":undefined"),
    ("num'split(\"1,2.5,-3\";0c,)", "[1 2.5 -3]"),
    ('words("  the quick  brown fox ")', '["the" "quick" "brown" "fox"]'),
    ('words("")', "[]"),
])
def test_strings(k: KlongInterpreter, expr: str, expected: str) -> None:
    k('.l("strings")')
    assert k.show(k(expr)) == expected


@pytest.mark.parametrize("s,ok", [("12", 1), ("-12", 1), ("3.5", 1), ("1.", 1), ("1e-3", 1),
                                  ("-2.5e+10", 1), ("", 0), ("-", 0), ("a", 0), ("1-2", 0),
                                  ("1e", 0), (".5", 0), ("1.2.3", 0), ("e5", 0), ("1e5e5", 0)])
def test_isnum_accepts_exactly_klong_numbers(k: KlongInterpreter, s: str, ok: int) -> None:
    k('.l("strings")')
    assert k(f'isnum("{s}")') == ok
    if ok:
        assert k(f'num("{s}")') == pytest.approx(float(s))


# -- time -------------------------------------------------------------------------------

MOMENTS = [0, 59, 86399.9, 951782400, 951868799, -1, -86400 * 365 * 300, 1700000000,
           4102444800, 253402300799]


def test_utc_matches_the_c_library(k: KlongInterpreter) -> None:
    k('.l("time")')
    for t in MOMENTS:
        assert k.backend.tolist(k(f"utc({t})")) == list(time.gmtime(math.floor(t))[:6]), t


def test_weekday_and_strings(k: KlongInterpreter, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        k('.l("time")')
        for t in MOMENTS[:-1]:
            assert k(f"weekday({t})") == time.gmtime(math.floor(t)).tm_wday + 1
        assert k("datestr(utc(951782400))") == "2000-02-29"
        assert k("timestr(utc(3723))") == "01:02:03"
        assert k("stamp(1700000000)") == "2023-11-14 22:13:20"
        assert k('datestr([33 1 2 0 0 0])') == "0033-01-02"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_local_time_follows_the_time_zone(k: KlongInterpreter, monkeypatch: pytest.MonkeyPatch) -> None:
    if not Path("/usr/share/zoneinfo/America/New_York").exists():
        pytest.skip("no time-zone database")
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        k('.l("time")')
        for t in (1700000000, 1690000000, 0):  # winter, summer (daylight saving), epoch
            assert k.backend.tolist(k(f"local({t})")) == list(time.localtime(t)[:6])
        assert k("stamp(1690000000)") == time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(1690000000))
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_current_time_and_date(k: KlongInterpreter) -> None:
    k('.l("time")')
    before = time.time()
    now = k("now()")
    assert before - 1 <= now <= time.time() + 1
    lt = time.localtime()
    assert k.backend.tolist(k("date()")) == [lt.tm_year, lt.tm_mon, lt.tm_mday]
    assert k("today()") == time.strftime("%Y-%m-%d")
    clock = k("clock()")
    assert len(clock) == 8 and clock[2] == clock[5] == ":"
    h, m, s = (int(p) for p in clock.split(":"))
    assert abs((h * 3600 + m * 60 + s) - (lt.tm_hour * 3600 + lt.tm_min * 60 + lt.tm_sec)) <= 2 \
        or (h, m) == (0, 0)  # unless midnight passed in between
    assert calendar.timegm(tuple(k.backend.tolist(k("utc(now())"))) + (0, 0, 0)) == \
        pytest.approx(now, abs=2)


# -- the README's example program -------------------------------------------------------

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "files"


@pytest.mark.skipif(not (EXAMPLE / "report.kg").exists(), reason="examples/ not present")
def test_readme_report_program(backend_name: str, tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    shutil.copy(EXAMPLE / "scores.csv", tmp_path / "scores.csv")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLONG")}
    r = subprocess.run([sys.executable, "-m", "klong", "--backend", backend_name,
                        str(EXAMPLE / "report.kg")], cwd=tmp_path, capture_output=True, text=True,
                       env=env, stdin=subprocess.DEVNULL, timeout=120)
    assert (r.returncode, r.stdout, r.stderr) == (0, "wrote report.txt\n", "")
    assert (tmp_path / "report.txt").read_text() == (
        "students: 5\nmean score: 79.6\nmedian score: 79\nstd dev: 13.31\n"
        "correlation hours/score: 0.996\nscore = 5.84 * hours + 46.87\nbest: eve\n")
