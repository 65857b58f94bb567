"""Entry points of installed distributions, read without ``importlib.metadata``.

``importlib.metadata`` costs a start-up a fifth of what importing numpy does
(it imports ``email``, ``zipfile``, ``csv``... and parses every METADATA file
with the email parser). On the layout pip and venv produce -- directories on
``sys.path`` holding ``NAME-VERSION.dist-info`` (or ``.egg-info``) folders --
reading the few small files by hand gives the same answer: the same
distributions in the same order, the first of one name on the path winning,
as ``importlib.metadata.entry_points()`` does. Anything else on the path (a
zip file, an ``.egg``, a finder of its own that yields distributions) hands
the whole question to ``importlib.metadata``.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from functools import reduce
from typing import Any

_PATTERN = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")


def normalize(name: str) -> str:
    """A distribution name as ``importlib.metadata`` compares them."""
    return re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")


class Distribution:
    """The little of a distribution's metadata that discovery needs, read once."""

    def __init__(self, path: str):
        self.path = path
        self._headers: dict[str, list[str]] | None = None

    def _header(self, key: str) -> list[str]:
        if self._headers is None:
            self._headers = {}
            name = "PKG-INFO" if self.path.endswith(".egg-info") else "METADATA"
            try:
                with open(os.path.join(self.path, name), encoding="utf-8") as f:
                    for line in f:
                        if not line.rstrip("\r\n"):
                            break  # the body follows (a line of blanks continues a field)
                        k, sep, v = line.partition(":")
                        if sep and not line[0].isspace():
                            self._headers.setdefault(k.strip().lower(), []).append(v.strip())
            except OSError:
                pass
        return self._headers.get(key, [])

    @property
    def name(self) -> str:
        return (self._header("name") or ["?"])[0]

    @property
    def version(self) -> str:
        return (self._header("version") or [""])[0]

    @property
    def requires(self) -> list[str] | None:
        if self.path.endswith(".egg-info"):  # requires.txt has a format of its own
            from importlib import metadata
            from pathlib import Path
            return metadata.PathDistribution(Path(self.path)).requires
        return self._header("requires-dist") or None


class EntryPoint:
    """One entry point: ``name = module[:attr]`` of a group, and its distribution."""

    def __init__(self, name: str, value: str, group: str, dist: Any):
        self.name, self.value, self.group, self.dist = name, value, group, dist

    def load(self) -> Any:
        """Import the module and look up the attribute, as ``importlib.metadata`` does."""
        match = _PATTERN.match(self.value)
        if match is None:
            raise ValueError(f"entry point {self.name} = {self.value!r} is malformed")
        module = importlib.import_module(match.group("module"))
        return reduce(getattr, filter(None, (match.group("attr") or "").split(".")), module)


def _sections(text: str) -> dict[str, list[tuple[str, str]]]:
    """The ``[group]`` sections of an entry_points.txt, as importlib.metadata reads them."""
    out: dict[str, list[tuple[str, str]]] = {}
    entries: list[tuple[str, str]] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            entries = out.setdefault(line[1:-1].strip(), [])
        elif entries is not None:
            k, _, v = line.partition("=")
            entries.append((k.strip(), v.strip()))
    return out


def _plain() -> bool:
    """Whether every distribution lives in a plain directory on ``sys.path``."""
    from importlib.machinery import PathFinder

    for finder in sys.meta_path:
        if hasattr(finder, "find_distributions") and finder is not PathFinder and not (
                type(finder).__module__.startswith("importlib_metadata")):
            return False  # the importlib_metadata backport's finder reads sys.path too
    return all(os.path.isdir(p or ".") or not os.path.exists(p or ".") for p in sys.path)


def _metadata_dirs() -> list[str] | None:
    """Every distribution's metadata folder, the first of each name on the path,
    in ``importlib.metadata``'s order; None where the layout is not plain."""
    if not _plain():
        return None
    seen: set[str] = set()
    out = []
    for root in sys.path:
        try:
            children = os.listdir(root or ".")
        except OSError:
            continue
        for child in children:
            low = child.lower()
            if low.endswith(".egg"):
                return None  # a zipped egg: importlib.metadata reads those
            if not low.endswith((".dist-info", ".egg-info")):
                continue
            key = normalize(low.rpartition(".")[0].partition("-")[0])
            if key not in seen:
                seen.add(key)
                out.append(os.path.join(root or ".", child))
    return out


class Installed:
    """The installed distributions' entry points and names, read once."""

    def __init__(self) -> None:
        self.dirs = _metadata_dirs()

    def entry_points(self, group: str) -> list[Any]:
        if self.dirs is None:
            from importlib import metadata
            return list(metadata.entry_points(group=group))
        eps = []
        for path in self.dirs:
            try:
                with open(os.path.join(path, "entry_points.txt"), encoding="utf-8") as f:
                    text = f.read()
            except OSError:
                continue
            entries = _sections(text).get(group)
            if entries:
                dist = Distribution(path)
                eps += [EntryPoint(n, v, group, dist) for n, v in entries]
        return eps

    def has(self, name: str) -> bool:
        """Whether a distribution called ``name`` is installed."""
        if self.dirs is None:
            from importlib import metadata
            try:
                metadata.distribution(name)
                return True
            except metadata.PackageNotFoundError:
                return False
        key = normalize(name)
        return any(normalize(os.path.basename(p).rpartition(".")[0].partition("-")[0]) == key
                   for p in self.dirs)
