"""Every program in examples/ run by the real ``klong`` command on each backend,
from a directory other than its own, with its printed results checked."""

from __future__ import annotations

import csv
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"
BACKENDS = ["numpy", "torch"]

if not EXAMPLES.is_dir():  # an installed klong-cli without the repository
    pytest.skip("examples/ not found", allow_module_level=True)


def run(cmd: list[str], cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLONG_")}
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env,
                       stdin=subprocess.DEVNULL, timeout=300)
    assert r.returncode == 0, f"{cmd} failed:\n{r.stdout}\n{r.stderr}"
    assert "Traceback" not in r.stderr
    return r.stdout


def klong(backend: str, example: str, *args: str, cwd: Path) -> str:
    return run([sys.executable, "-m", "klong_cli", "--backend", backend,
                str(EXAMPLES / example), *args], cwd)


def after(out: str, label: str) -> str:
    """What follows ``label`` at the start of a line (``.p`` prints every
    value, a matrix too, on one line)."""
    for line in out.splitlines():
        if line.startswith(label):
            return line[len(label):].strip()
    raise AssertionError(f"no line starting {label!r} in:\n{out}")


def number(out: str, label: str) -> float:
    return float(after(out, label))


def numbers(text: str) -> list[float]:
    """All the numbers in a Klong list as printed: [1.0 -2 [3.5 4]] -> [1, -2, 3.5, 4]."""
    return [float(t) for t in re.findall(r"-?\d+(?:\.\d+)?(?:e[+-]\d+)?", text)]


# -- one check per example -----------------------------------------------------------

def check_sgd(out: str, backend: str, tmp: Path) -> None:
    assert abs(number(out, "w after 50 steps:")) < 1e-3


def check_sgd_momentum(out: str, backend: str, tmp: Path) -> None:
    losses = numbers(after(out, "loss every 40 steps:"))
    assert losses[0] == 100.0 and losses == sorted(losses, reverse=True)
    assert abs(number(out, "w after 200 steps:")) < 1e-3
    assert number(out, "steps taken:") == 200


def check_adam(out: str, backend: str, tmp: Path) -> None:
    assert number(out, "w:") == pytest.approx(2.0, abs=1e-3)
    assert number(out, "b:") == pytest.approx(1.0, abs=1e-3)
    assert number(out, "loss:") < 1e-6


def check_gradient_descent(out: str, backend: str, tmp: Path) -> None:
    tol = 0 if backend == "torch" else 1e-6  # exact on torch, central differences on numpy
    assert number(out, "f:>3 =") == pytest.approx(6.0, abs=tol)
    assert number(out, "3∇f (numeric) =") == pytest.approx(6.0, abs=1e-6)
    assert number(out, "g:>2 =") == pytest.approx(12.0, abs=tol)
    assert number(out, "p:>1 =") == pytest.approx(9.0, abs=tol)
    assert numbers(after(out, "s:>[1.0 2.0 3.0] =")) == pytest.approx([2, 4, 6], abs=tol)
    assert number(out, "one step from 5.0:") == pytest.approx(4.0, abs=1e-6)
    assert numbers(after(out, "loss:>[w b] =")) == pytest.approx([4, 6], abs=1e-6)
    assert abs(number(out, "w after 50 steps:")) < 1e-3
    assert numbers(after(out, "minimum found at:")) == pytest.approx([3, -1], abs=1e-6)


def check_linear_regression(out: str, backend: str, tmp: Path) -> None:
    mse = [float(m) for m in re.findall(r"mse (\S+)", out)]
    assert len(mse) == 7 and mse == sorted(mse, reverse=True) and mse[0] > 50
    gd, ls = numbers(after(out, "gradient descent:")), numbers(after(out, "least squares:"))
    assert gd == ls
    np = pytest.importorskip("numpy")
    text = (EXAMPLES / "autograd" / "linear_regression.kg").read_text()
    xs, ys = (numbers(re.search(rf"^{v}::(\[.*\])$", text, re.M).group(1)) for v in "XY")
    slope, intercept = np.polyfit(xs, ys, 1)
    assert ls == pytest.approx([slope, intercept], abs=1e-4)


def check_neural_network(out: str, backend: str, tmp: Path) -> None:
    losses = [float(m) for m in re.findall(r"loss (\S+)", out)]
    assert len(losses) == 9 and losses[0] == pytest.approx(0.318066, abs=1e-6)
    assert all(a >= b for a, b in zip(losses, losses[1:])), losses
    assert losses[-1] < 1e-4
    assert after(out, "as classes:") == "[0 1 1 0]"
    assert numbers(after(out, "predictions:")) == pytest.approx([0, 1, 1, 0], abs=1e-2)


def check_jacobian(out: str, backend: str, tmp: Path) -> None:
    assert numbers(after(out, "[1 2]∂{x^2} =")) == pytest.approx([2, 0, 0, 4], abs=1e-6)
    assert numbers(after(out, ".jacobian(f;[1 2]) =")) == pytest.approx([2, 0, 0, 4], abs=1e-6)
    assert numbers(after(out, "[w b]∂{w^2} =")) == pytest.approx([2, 0, 0, 4, 0, 0, 0, 0], abs=1e-6)
    assert after(out, "J at r=2, t=pi/6:") == after(out, "by hand:")
    assert numbers(after(out, "by hand:")) == pytest.approx([0.866025, -1, 0.5, 1.732051], abs=1e-6)
    assert number(out, "det J (= r):") == pytest.approx(2.0, abs=1e-6)


def check_portfolio(out: str, backend: str, tmp: Path) -> None:
    np = pytest.importorskip("numpy")
    objective = [float(m) for m in re.findall(r"objective (\S+)", out)]
    assert all(a >= b for a, b in zip(objective, objective[1:]))
    mu = np.array([0.08, 0.12, 0.15])
    S = np.array([[0.01, 0.004, 0.003], [0.004, 0.04, 0.018], [0.003, 0.018, 0.09]])
    # the exact optimum of w'Sw - 0.5 mu'w with sum(w) = 1, from its KKT system
    A = np.block([[2 * S, np.ones((3, 1))], [np.ones((1, 3)), np.zeros((1, 1))]])
    w = np.linalg.solve(A, np.concatenate([0.5 * mu, [1.0]]))[:3]
    assert numbers(after(out, "weights:")) == pytest.approx(list(w), abs=1e-3)
    assert number(out, "sum:") == pytest.approx(1.0, abs=1e-9)
    assert number(out, "return:") == pytest.approx(float(w @ mu), abs=1e-3)
    assert number(out, "volatility:") == pytest.approx(float(np.sqrt(w @ S @ w)), abs=1e-3)


def check_rmsprop(out: str, backend: str, tmp: Path) -> None:
    assert number(out, "w:") == pytest.approx(2.0, abs=1e-2)
    assert number(out, "b:") == pytest.approx(1.0, abs=1e-2)
    assert number(out, "final loss:") < 1e-3


def check_csv_stats(out: str, backend: str, tmp: Path) -> None:
    result = tmp / "stats.txt"
    assert f"wrote 21 rows of statistics to {result}" in out
    written = result.read_text()
    assert out.startswith(written)  # the table printed is the table written
    with open(EXAMPLES / "csv" / "weather.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    lines = {line.split()[0]: line.split()[1:] for line in written.splitlines()[1:5]}
    for name in ("temp_c", "humidity_pct", "wind_kmh", "rain_mm"):
        col = [float(r[name]) for r in rows]
        expect = [len(col), statistics.mean(col), statistics.pstdev(col), min(col),
                  statistics.median(col), max(col)]
        assert [float(v) for v in lines[name]] == pytest.approx(expect, abs=0.005)
    t = [float(r["temp_c"]) for r in rows]
    h = [float(r["humidity_pct"]) for r in rows]
    assert number(written, "correlation of temp_c and humidity_pct:") == \
        pytest.approx(statistics.correlation(t, h), abs=5e-4)
    assert number(written, "warmest day:") == float(max(rows, key=lambda r: float(r["temp_c"]))["day"])


INTEROP_OUTPUT = """\
dist: 5.0
centroid: [2.0 1.0]
twice: 81
describe: :{[:a [1 2 3]]} on BACKEND
area: 6.0
a circle: :pyobj<Circle>
radius: 2.0
its area: 12.566370614359172
scaled radius: 6.0
gcd: 12
hypot: 13.0
json: {"name": "klong", "tags": ["array", "apl"]}
back: :{[x 1.5] [ok 1]}
keywords: {"a": 2, "b": 1}
"""


def check_interop(out: str, backend: str, tmp: Path) -> None:
    assert out == INTEROP_OUTPUT.replace("BACKEND", backend)


CHECKS: dict[str, tuple[Callable[[str, str, Path], None], tuple[str, ...]]] = {
    "autograd/sgd.kg": (check_sgd, ()),
    "autograd/sgd_momentum.kg": (check_sgd_momentum, ()),
    "autograd/adam.kg": (check_adam, ()),
    "autograd/gradient_descent.kg": (check_gradient_descent, ()),
    "autograd/linear_regression.kg": (check_linear_regression, ()),
    "autograd/neural_network.kg": (check_neural_network, ()),
    "autograd/jacobian.kg": (check_jacobian, ()),
    "autograd/portfolio.kg": (check_portfolio, ()),
    "autograd/rmsprop.kg": (check_rmsprop, ()),
    "csv/csv_stats.kg": (check_csv_stats, ("{examples}/csv/weather.csv", "{tmp}/stats.txt")),
    "interop/interop.kg": (check_interop, ()),
}
HELPERS = {"interop/geometry_demo.kg"}  # run by interop/from_python.py
FOLDERS = ("autograd", "csv", "interop")  # the folders of this suite's examples


def test_every_example_is_checked() -> None:
    found = {str(p.relative_to(EXAMPLES)) for d in FOLDERS for p in (EXAMPLES / d).rglob("*.kg")}
    assert found == set(CHECKS) | HELPERS


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("example", sorted(CHECKS))
def test_example(example: str, backend: str, tmp_path: Path) -> None:
    check, args = CHECKS[example]
    args = tuple(a.format(examples=EXAMPLES, tmp=tmp_path) for a in args)
    out = klong(backend, example, *args, cwd=tmp_path)
    check(out, backend, tmp_path)


@pytest.mark.parametrize("backend", BACKENDS)
def test_python_driver(backend: str, tmp_path: Path) -> None:
    out = run([sys.executable, str(EXAMPLES / "interop" / "from_python.py"), backend], tmp_path)
    arrays = {"numpy": "numpy.ndarray", "torch": "torch.Tensor"}[backend]
    assert after(out, "backend:").startswith(backend)
    assert after(out, "+/1+!10 =") == "55"
    assert after(out, "2*1+!5 is a") == f"{arrays} -> [2 4 6 8 10]"
    assert after(out, "hyp(3, 4) =") == "5.0"
    assert after(out, "clip'[-5 3 12] (0..10):") == "[0 3 10]"
    assert "HELLO FROM PYTHON!" in out
    assert after(out, "loss =") == "12.0, d/dw = 6.000000, d/db = 3.000000"
    assert after(out, "the program left r =") == "5.0"


@pytest.mark.parametrize("backend", BACKENDS)
def test_python_error_in_an_example_module_is_a_klong_error(backend: str, tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "klong_cli", "--backend", backend, "-e",
                        f'.py("{EXAMPLES}/interop/geometry.py"); area([[0 0] [1 1]])'],
                       cwd=tmp_path, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
    assert r.returncode == 1
    assert r.stderr.startswith("klong: error: area: Python ValueError: a polygon needs 3 points, got 2")
    assert "Traceback" not in r.stderr
