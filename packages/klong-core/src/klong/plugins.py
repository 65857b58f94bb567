"""Discovery of backend plugins through installed metadata and pluggy.

Backends are distributions that declare an entry point in the group
``klong.backends`` (see :mod:`klong.hookspecs`). Entry points are read from
metadata without importing anything; a backend's module is imported only when
that backend is used or listed, each one inside its own ``try``, so a broken
plugin is reported (by :func:`list_backends`, and when it is asked for) and
never breaks the others. ``KLONG_STRICT_PLUGINS=1`` makes any broken plugin
fatal, for plugin authors.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import pluggy

from klong import hookspecs
from klong.backend import Backend, BackendInfo

GROUP = "klong.backends"
INSTALL_HINT = "pip install klong-numpy (CPU, NumPy) or pip install klong-torch (PyTorch)"


class KlongSetupError(Exception):
    """The requested backend or device cannot be set up (not installed, broken,
    ambiguous, or an unusable device). The message says what to do."""


@dataclass(frozen=True)
class BackendStatus:
    """One row of the backend listing."""

    name: str
    distribution: str
    version: str
    devices: tuple[str, ...] = ()
    float64: bool | None = None
    autograd: bool | None = None
    status: str = "ok"  # "ok" or "error"
    error: str = ""
    description: str = ""


@dataclass(frozen=True)
class _Candidate:
    """An entry point of the group, with the distribution that declares it."""

    name: str
    entry_point: metadata.EntryPoint
    distribution: str
    version: str

    def label(self) -> str:
        return f"{self.distribution} {self.version}".strip()


@dataclass
class _Loaded:
    """The outcome of loading one backend plugin."""

    candidate: _Candidate
    manager: pluggy.PluginManager | None = None
    info: BackendInfo | None = None
    error: str = ""


def _strict() -> bool:
    return os.environ.get("KLONG_STRICT_PLUGINS", "") not in ("", "0")


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


class BackendRegistry:
    """The installed backend plugins, read once from metadata.

    Each backend gets its own :class:`pluggy.PluginManager` with core's hook
    specifications and that backend's plugin only, built when the backend is
    first asked for. Create a fresh registry to see newly installed plugins.
    """

    def __init__(self) -> None:
        self.candidates: dict[str, list[_Candidate]] = {}
        for ep in metadata.entry_points(group=GROUP):
            dist = getattr(ep, "dist", None)
            cand = _Candidate(
                name=ep.name,
                entry_point=ep,
                distribution=dist.metadata["Name"] if dist is not None else "?",
                version=dist.version if dist is not None else "",
            )
            self.candidates.setdefault(ep.name, []).append(cand)
        self._loaded: dict[str, _Loaded] = {}

    def names(self) -> list[str]:
        """Names of the installed backends, from metadata only (nothing imported)."""
        return sorted(self.candidates)

    def _load(self, name: str) -> _Loaded:
        if name not in self._loaded:
            self._loaded[name] = self._load_uncached(name)
        return self._loaded[name]

    def _load_uncached(self, name: str) -> _Loaded:
        cands = self.candidates[name]
        first = cands[0]
        if len(cands) > 1:
            claims = " and ".join(c.label() for c in cands)
            return _Loaded(first, error=f"backend {name!r} is claimed by two distributions: "
                           f"{claims}; uninstall one of them")
        try:
            module = first.entry_point.load()
            pm = pluggy.PluginManager(hookspecs.PROJECT)
            pm.add_hookspecs(hookspecs)
            pm.register(module, name=f"{GROUP}:{name}")
            infos = [i for i in pm.hook.klong_backend() if i is not None]
        except Exception as exc:  # a broken plugin must not break the others
            return _Loaded(first, error=_describe(exc))
        if len(infos) != 1 or not isinstance(infos[0], BackendInfo):
            return _Loaded(first, error=f"klong_backend() gave {infos!r}, "
                           "expected exactly one BackendInfo")
        if infos[0].name != name:
            return _Loaded(first, error=f"entry point {name!r} provides a backend named "
                           f"{infos[0].name!r}; the two names must agree")
        return _Loaded(first, manager=pm, info=infos[0])

    def _check(self, loaded: _Loaded) -> _Loaded:
        if loaded.error:
            c = loaded.candidate
            raise KlongSetupError(f"backend {c.name!r} ({c.label()}, entry point "
                                  f"{c.entry_point.value}) is broken: {loaded.error}")
        return loaded

    def _check_all_if_strict(self) -> None:
        if _strict():
            for name in self.names():
                self._check(self._load(name))

    def plugin_manager_for(self, name: str) -> pluggy.PluginManager:
        """The plugin manager of backend ``name`` (its hooks: ``pm.hook.klong_gradient``...)."""
        if name not in self.candidates:
            raise KlongSetupError(self._unknown(name))
        manager = self._check(self._load(name)).manager
        assert manager is not None
        return manager

    def default_name(self) -> str:
        """``$KLONG_BACKEND``, else numpy when installed, else the only installed backend."""
        env = os.environ.get("KLONG_BACKEND", "").strip()
        if env:
            return env
        names = self.names()
        if "numpy" in names:
            return "numpy"
        if len(names) == 1:
            return names[0]
        if not names:
            raise KlongSetupError(f"no Klong backend is installed: {INSTALL_HINT}")
        raise KlongSetupError(f"several backends are installed ({', '.join(names)}): "
                              "choose one with --backend NAME or KLONG_BACKEND=NAME")

    def _unknown(self, name: str) -> str:
        names = self.names()
        if not names:
            return f"unknown backend {name!r}: no backend is installed; {INSTALL_HINT}"
        hint = f"; pip install klong-{name}" if name in ("numpy", "torch") else ""
        return f"unknown backend {name!r} (installed: {', '.join(names)}){hint}"

    def load_backend(self, name: str | None = None, device: str | None = None,
                     precision: int | None = None) -> Backend:
        """Build backend ``name`` (default: :meth:`default_name`) on ``device``."""
        self._check_all_if_strict()
        from_env = not name and bool(os.environ.get("KLONG_BACKEND", "").strip())
        name = name or self.default_name()
        if name not in self.candidates:
            note = " (named by KLONG_BACKEND)" if from_env else ""
            raise KlongSetupError(self._unknown(name) + note)
        loaded = self._check(self._load(name))
        assert loaded.manager is not None and loaded.info is not None
        if precision not in (None, 32, 64):
            raise KlongSetupError(f"precision must be 32 or 64, not {precision!r}")
        try:
            chosen = loaded.manager.hook.klong_select_device(backend_name=name, requested=device)
            return loaded.info.factory(device=chosen if chosen is not None else device,
                                       precision=precision)
        except (ValueError, RuntimeError) as exc:
            raise KlongSetupError(f"backend {name!r}: {exc}") from exc

    def list_backends(self) -> list[BackendStatus]:
        """Every installed backend with its distribution, devices and status."""
        rows = []
        for name in self.names():
            loaded = self._load(name)
            c = loaded.candidate
            row: dict[str, Any] = dict(name=name, distribution=c.distribution, version=c.version)
            if loaded.error:
                if _strict():
                    self._check(loaded)
                if len(self.candidates[name]) > 1:
                    row["distribution"] = ", ".join(x.distribution for x in self.candidates[name])
                rows.append(BackendStatus(**row, status="error", error=loaded.error))
                continue
            info = loaded.info
            assert info is not None
            try:
                devices = tuple(info.devices())
            except Exception as exc:
                if _strict():
                    raise KlongSetupError(f"backend {name!r}: devices() failed: "
                                          f"{_describe(exc)}") from exc
                rows.append(BackendStatus(**row, float64=info.float64, autograd=info.autograd,
                                          status="error", error=f"devices(): {_describe(exc)}",
                                          description=info.description))
                continue
            rows.append(BackendStatus(**row, devices=devices, float64=info.float64,
                                      autograd=info.autograd, description=info.description))
        return rows


@functools.cache
def _registry() -> BackendRegistry:
    """The process's registry (entry points are read once per process)."""
    return BackendRegistry()


def load_backend(name: str | None = None, device: str | None = None,
                 precision: int | None = None) -> Backend:
    """Build a backend: ``name`` None means ``$KLONG_BACKEND``, else numpy if
    installed, else the only installed backend. Raises :class:`KlongSetupError`
    (not installed, broken, unusable device)."""
    return _registry().load_backend(name, device, precision)


def list_backends() -> list[BackendStatus]:
    """Every installed backend, broken ones included (with their error)."""
    return _registry().list_backends()


def plugin_manager_for(name: str) -> pluggy.PluginManager:
    """The plugin manager holding core's hookspecs and backend ``name``'s plugin."""
    return _registry().plugin_manager_for(name)


def installed_backends() -> list[str]:
    """Names of installed backends, from metadata only (imports nothing)."""
    return _registry().names()


__all__ = ["BackendRegistry", "BackendStatus", "KlongSetupError", "GROUP",
           "installed_backends", "list_backends", "load_backend", "plugin_manager_for"]
