"""A Python module used from Klong (see interop.kg).

``__klong_exports__`` says what ``.py("geometry")`` binds and under which Klong
names (Klong names have no underscores); without it, ``.py`` binds every public
function and class defined here, with ``snake_case`` names as ``snakeCase``.
"""

from __future__ import annotations

import math
from typing import Any


def distance(p: list[float], q: list[float]) -> float:
    """Euclidean distance between two points."""
    return math.dist([float(c) for c in p], [float(c) for c in q])


def centroid(*points: Any) -> list[float]:
    """The mean of any number of points (variadic: Klong passes one list)."""
    n = len(points)
    return [sum(float(p[i]) for p in points) / n for i in range(len(points[0]))]


def apply_twice(f: Any, x: Any) -> Any:
    """Calls a Klong function from Python."""
    return f(f(x))


def describe(klong: Any, value: Any) -> str:
    """A first parameter named ``klong`` receives the running interpreter."""
    return f"{klong.show(klong.to_klong(value))} on {klong.backend.name}"


def polygon_area(points: list[list[float]]) -> float:
    """Shoelace formula; raises for fewer than three points."""
    if len(points) < 3:
        raise ValueError(f"a polygon needs 3 points, got {len(points)}")
    s = 0.0
    for (x1, y1), (x2, y2) in zip(points, list(points[1:]) + [points[0]]):
        s += float(x1) * float(y2) - float(x2) * float(y1)
    return abs(s) / 2


class Circle:
    """A Python object that stays opaque in Klong."""

    def __init__(self, r: float):
        self.r = float(r)

    def area(self) -> float:
        return math.pi * self.r ** 2

    def scaled(self, k: float) -> "Circle":
        return Circle(self.r * k)


def _helper() -> None:
    """Private: never exported."""


__klong_exports__ = {
    "dist": distance,
    "centroid": centroid,
    "twice": apply_twice,
    "describe": describe,
    "area": polygon_area,
    "Circle": Circle,
}
