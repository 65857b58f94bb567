"""Driving Klong from Python: run code, exchange values, call functions both ways.

    python3 from_python.py [numpy|torch]
"""

from __future__ import annotations

import sys
from pathlib import Path

from klong import KlongInterpreter

k = KlongInterpreter(backend=sys.argv[1] if len(sys.argv) > 1 else None)
print("backend:", k.backend.name, "on", k.backend.device)

# Klong values come back as Python values; numeric lists as backend arrays
print("+/1+!10 =", k("+/1+!10"))
v = k("2*1+!5")
print("2*1+!5 is a", type(v).__module__ + "." + type(v).__name__, "->", k.show(v))

# Python values go in the other way
k["prices"] = [10.5, 11.0, 9.75]
k["info"] = {"name": "klong", "year": 2024}
print("mean price:", k("(+/prices)%#prices"))
print("info?\"name\" =", k('info?"name"'))

# a Klong function is a Python callable
k("hyp::{((x^2)+y^2)^0.5}")
hyp = k["hyp"]
print("hyp(3, 4) =", hyp(3, 4))

# a Python function is a Klong function; a first parameter named klong gets the interpreter
k["clip"] = lambda value, low, high: max(low, min(high, value))
print("clip'[-5 3 12] (0..10):", k.show(k("{clip(x;0;10)}'[-5 3 12]")))


def shout(klong, text):
    return text.upper() + "!"


k["shout"] = shout
print(k('shout("hello from python")'))

# gradients of a Klong loss, from Python
from klong import value_and_gradients  # noqa: E402

k("w::3.0; b::1.0; loss::{(w^2)+(3*b)}")
value, (gw, gb) = value_and_gradients(k, "loss", ["w", "b"])
print(f"loss = {value}, d/dw = {float(gw):.6f}, d/db = {float(gb):.6f}")

# run a program file (its .py/.pyf imports resolve next to the file)
k.eval_file(str(Path(__file__).with_name("geometry_demo.kg")))
print("the program left r =", k["r"])
