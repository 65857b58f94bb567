"""Benchmark of differentiation: gradient-descent loops written in Klong against
the same loops hand-written in PyTorch.

Two loops, as the speed goals state them (issue 14):

- scalar: ``w::10.0; loss::{w^2}; {w::w-(lr*loss:>w)}'!N``, 100 steps
- MSE, two parameters: ``loss::{(+/((w*X)+b-Y)^2)%3}``, one ``loss:>[w b]`` per step, 200 steps
  (and the same loop driven from Python through ``klong.value_and_gradients``,
  as the optimizers of ``examples/autograd/optimizers.py`` do).

The hand-written PyTorch loop computes the same loss, takes the gradient with
``torch.autograd.grad`` and updates the parameters under ``no_grad``, on the
same device and dtype. The numpy backend differentiates numerically (four loss
evaluations per parameter element) and is compared with the same PyTorch loop.

Prints steps per second, the ratio of times (Klong / PyTorch) and the
interpreter's share of a Klong step (1 - PyTorch time / Klong time: the part of
a step that is not the arithmetic and autograd work PyTorch itself does). It
never asserts a speed. Standalone: ``python benchmarks/bench_autograd.py``.
"""

from __future__ import annotations

import argparse
from typing import Any, Callable

from klong import KlongInterpreter, value_and_gradients
from klong.plugins import list_backends

from bench import best  # one timing rule for every benchmark

SCALAR_SETUP = "w::10.0;loss::{w^2};lr::0.1"
SCALAR_LOOP = "{{w::w-(lr*loss:>w)}}'!{n}"
MSE_SETUP = "w::1.0;b::0.0;X::[1 2 3];Y::[3 5 7];loss::{(+/((w*X)+b-Y)^2)%3};lr::0.01"
MSE_LOOP = "{{g::loss:>[w b];w::w-(lr*g@0);b::b-(lr*g@1)}}'!{n}"


def torch_scalar_loop(torch: Any, device: Any, dtype: Any, n: int) -> Callable[[], Any]:
    """The scalar loop hand-written in PyTorch."""
    def loop() -> Any:
        w = torch.tensor(10.0, dtype=dtype, device=device, requires_grad=True)
        for _ in range(n):
            (g,) = torch.autograd.grad(w**2, w)
            with torch.no_grad():
                w -= 0.1 * g
        return w
    return loop


def torch_mse_loop(torch: Any, device: Any, dtype: Any, n: int) -> Callable[[], Any]:
    """The two-parameter MSE loop hand-written in PyTorch."""
    X = torch.tensor([1.0, 2.0, 3.0], dtype=dtype, device=device)
    Y = torch.tensor([3.0, 5.0, 7.0], dtype=dtype, device=device)

    def loop() -> Any:
        w = torch.tensor(1.0, dtype=dtype, device=device, requires_grad=True)
        b = torch.tensor(0.0, dtype=dtype, device=device, requires_grad=True)
        for _ in range(n):
            loss = ((w * X + (b - Y)) ** 2).sum() / 3
            gw, gb = torch.autograd.grad(loss, [w, b])
            with torch.no_grad():
                w -= 0.01 * gw
                b -= 0.01 * gb
        return w, b
    return loop


def klong_loop(k: KlongInterpreter, setup: str, loop: str, n: int) -> Callable[[], Any]:
    src = loop.format(n=n)

    def run() -> Any:
        k(setup)
        return k(src)
    return run


def python_driven_mse(k: KlongInterpreter, n: int) -> Callable[[], Any]:
    """The MSE loop driven from Python: one value_and_gradients call per step."""
    def run() -> Any:
        k(MSE_SETUP)
        G = k.globals
        for _ in range(n):
            _, (gw, gb) = value_and_gradients(k, "loss", ["w", "b"])
            G["w"] = G["w"] - 0.01 * gw
            G["b"] = G["b"] - 0.01 * gb
        return G["w"]
    return run


def run_autograd(backends: list[str] | None = None, device: str | None = None,
                 steps: tuple[int, int] = (100, 200), repeat: int = 5) -> dict:
    """Time the loops (``steps``: of the scalar one, of the MSE ones) on each
    backend; returns {(backend, loop): (klong s, torch s)}."""
    import torch

    names = backends or [r.name for r in list_backends() if r.status == "ok"]
    results: dict = {}
    for name in names:
        k = KlongInterpreter(backend=name, device=device if name == "torch" else None)
        b = k.backend
        # the reference loop runs where the Klong one does: cpu for numpy
        tdev = torch.device(b.device if name == "torch" else "cpu")
        dtype = torch.float64 if b.float64 else torch.float32
        sync = torch.cuda.synchronize if tdev.type == "cuda" else (lambda: None)
        how = "exact, torch.autograd" if name == "torch" else "numeric"
        print(f"\n== gradient descent, {name} on {b.device} ({how}), {steps[0]}/{steps[1]} steps; "
              f"reference: PyTorch on {tdev}, {str(dtype).replace('torch.', '')} ==")
        print(f"{'loop':<30} {'klong steps/s':>14} {'torch steps/s':>14} {'ratio':>6} {'interp share':>13}")
        ns, nm = steps
        cases = [
            ("scalar w^2", ns, klong_loop(k, SCALAR_SETUP, SCALAR_LOOP, ns),
             torch_scalar_loop(torch, tdev, dtype, ns)),
            ("MSE, loss:>[w b]", nm, klong_loop(k, MSE_SETUP, MSE_LOOP, nm),
             torch_mse_loop(torch, tdev, dtype, nm)),
            ("MSE from Python", nm, python_driven_mse(k, nm),
             torch_mse_loop(torch, tdev, dtype, nm)),
        ]
        for label, n, klong_fn, torch_fn in cases:
            t_k = best(klong_fn, repeat, sync)
            t_t = best(torch_fn, repeat, sync)
            results[(name, label)] = (t_k, t_t)
            share = max(0.0, 1 - t_t / t_k)
            print(f"{label:<30} {n / t_k:>14.0f} {n / t_t:>14.0f} {t_k / t_t:>6.2f} "
                  f"{share:>12.0%}")
    return results


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, nargs=2, default=[100, 200], metavar=("SCALAR", "MSE"))
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--device", help="device for the torch backend (default: the best)")
    p.add_argument("--backend", action="append", help="backend(s) to run (default: all)")
    ns = p.parse_args()
    run_autograd(ns.backend, ns.device, tuple(ns.steps), ns.repeat)


if __name__ == "__main__":
    main()
