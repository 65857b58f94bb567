"""Discovery of backend plugins through installed metadata and pluggy.

Backends are distributions that declare an entry point in the group
``klong.backends`` (see :mod:`klong.hookspecs`). Entry points are read from
metadata without importing anything; a backend's module is imported only when
that backend is used or listed, each one inside its own ``try`` (on a thread,
bounded by ``KLONG_PLUGIN_TIMEOUT`` seconds, and timed), so a broken plugin --
one that raises, exits or hangs while it is imported, lacks a dependency its
distribution declares, or whose factory fails -- is reported (by
:func:`list_backends`, and when it is asked for) and never breaks the others.
When several distributions claim one name, the one called ``klong-NAME``
keeps it and the listing names the others. ``KLONG_STRICT_PLUGINS=1`` makes
any of this fatal, for plugin authors.
"""

from __future__ import annotations

import functools
import os
import re
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

import pluggy

from klong import hookspecs
from klong.backend import Backend, BackendInfo
from klong.entrypoints import Installed
from klong.errors import KlongSetupError

GROUP = "klong.backends"
IMPORT_TIMEOUT = 30.0  # seconds a plugin may take to import (KLONG_PLUGIN_TIMEOUT)
INSTALL_HINT = "pip install klong-numpy (CPU, NumPy) or pip install klong-torch (PyTorch)"


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
    warning: str = ""  # e.g. other distributions claiming the same name
    load_seconds: float = 0.0  # time to import the plugin and call klong_backend()


@dataclass(frozen=True)
class _Candidate:
    """An entry point of the group, with the distribution that declares it."""

    name: str
    entry_point: Any  # klong.entrypoints.EntryPoint, or importlib.metadata's
    distribution: str
    version: str
    dist: Any = None

    def label(self) -> str:
        return f"{self.distribution} {self.version}".strip()


@dataclass
class _Loaded:
    """The outcome of loading one backend plugin."""

    candidate: _Candidate
    manager: pluggy.PluginManager | None = None
    info: BackendInfo | None = None
    error: str = ""
    warning: str = ""
    seconds: float = 0.0


def _strict() -> bool:
    return os.environ.get("KLONG_STRICT_PLUGINS", "") not in ("", "0")


def _describe(exc: BaseException) -> str:
    hint = f" (pip install {exc.name})" if isinstance(exc, ModuleNotFoundError) and exc.name else ""
    return f"{type(exc).__name__}: {exc}{hint}"


def _timeout() -> float:
    try:
        return float(os.environ.get("KLONG_PLUGIN_TIMEOUT", "") or IMPORT_TIMEOUT)
    except ValueError:
        return IMPORT_TIMEOUT


class _Hung(Exception):
    pass


def _bounded(fn: Callable[[], Any], seconds: float) -> Any:
    """``fn()`` on a thread of its own, waited for at most ``seconds``: a
    plugin that hangs while importing is reported instead of hanging us, and
    one that raises anything (``SystemExit`` too) only fails itself."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - sys.exit() in a plugin included
            box["error"] = exc

    t = threading.Thread(target=run, name="klong-plugin-import", daemon=True)
    t.start()
    t.join(seconds)
    if t.is_alive():
        raise _Hung(f"importing the plugin did not finish within {seconds:g} s "
                    "(KLONG_PLUGIN_TIMEOUT sets the limit)")
    if "error" in box:
        raise box["error"]
    return box["value"]


def _missing_requirements(installed: Installed, dist: Any) -> list[str]:
    """The requirements of ``dist`` that no installed distribution satisfies
    by name (read from metadata, nothing imported); extras are ignored, and so
    are requirements whose environment marker cannot be checked here."""
    missing = []
    for req in (dist.requires or []) if dist is not None else []:
        spec, _, marker = req.partition(";")
        if marker.strip() and not _marker_holds(marker):
            continue
        name = re.match(r"\s*([A-Za-z0-9._-]+)", spec)
        if name is None:
            continue
        if not installed.has(name.group(1)):
            missing.append(spec.strip().replace(" ", ""))
    return missing


def _marker_holds(marker: str) -> bool:
    if "extra" in marker:
        return False
    try:
        from packaging.markers import Marker
        return Marker(marker).evaluate()
    except Exception:  # noqa: BLE001 - no packaging, or a marker it cannot read
        return False


class BackendRegistry:
    """The installed backend plugins, read once from metadata.

    Each backend gets its own :class:`pluggy.PluginManager` with core's hook
    specifications and that backend's plugin only, built when the backend is
    first asked for. Create a fresh registry to see newly installed plugins.
    """

    def __init__(self) -> None:
        self.candidates: dict[str, list[_Candidate]] = {}
        self.installed = Installed()
        for ep in self.installed.entry_points(GROUP):
            dist = getattr(ep, "dist", None)
            cand = _Candidate(
                name=ep.name,
                entry_point=ep,
                distribution=dist.name if dist is not None else "?",
                version=dist.version if dist is not None else "",
                dist=dist,
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
        first, warning, error = self._claimant(name)
        if error:
            return _Loaded(first, error=error)
        missing = _missing_requirements(self.installed, first.dist)
        if missing:
            return _Loaded(first, error=f"{first.distribution} needs {', '.join(missing)}, "
                           "which is not installed: pip install "
                           + " ".join(f"'{m}'" if set(m) & set("<>=!~[;") else m for m in missing))
        start = time.perf_counter()
        try:
            pm, infos = _bounded(lambda: _plugin(name, first), _timeout())
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 - a broken plugin must not break the others
            return _Loaded(first, error=_describe(exc), seconds=time.perf_counter() - start)
        loaded = _Loaded(first, warning=warning, seconds=time.perf_counter() - start)
        if len(infos) != 1 or not isinstance(infos[0], BackendInfo):
            loaded.error = f"klong_backend() gave {infos!r}, expected exactly one BackendInfo"
        elif infos[0].name != name:
            loaded.error = (f"entry point {name!r} provides a backend named "
                            f"{infos[0].name!r}; the two names must agree")
        else:
            loaded.manager, loaded.info = pm, infos[0]
        return loaded

    def _claimant(self, name: str) -> tuple[_Candidate, str, str]:
        """The distribution that provides ``name``, a warning, and an error:
        of several claimants, the one called ``klong-NAME`` (the project's
        own naming) wins and the others are named in the warning; with no
        such one, or in strict mode, the claim is an error naming them all."""
        cands = self.candidates[name]
        if len(cands) == 1:
            return cands[0], "", ""
        claims = " and ".join(c.label() for c in cands)
        owners = [c for c in cands if c.distribution.lower() == f"klong-{name}".lower()]
        if len(owners) == 1 and not _strict():
            others = ", ".join(c.label() for c in cands if c is not owners[0])
            return owners[0], (f"also claimed by {others} (ignored; uninstall it, or "
                               "rename its entry point)"), ""
        return cands[0], "", (f"backend {name!r} is claimed by two distributions: "
                              f"{claims}; uninstall one of them")

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
            backend = loaded.info.factory(device=chosen if chosen is not None else device,
                                          precision=precision)
        except (ValueError, RuntimeError) as exc:
            raise KlongSetupError(f"backend {name!r}: {exc}") from exc
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 - the plugin's fault, said as such
            raise KlongSetupError(f"backend {name!r} ({loaded.candidate.label()}) failed to "
                                  f"start: {_describe(exc)}") from exc
        if not isinstance(backend, Backend):
            raise KlongSetupError(f"backend {name!r} ({loaded.candidate.label()}) is broken: "
                                  f"its factory returned {type(backend).__name__}, "
                                  "not a klong.backend.Backend")
        return backend

    def list_backends(self, devices: bool = True) -> list[BackendStatus]:
        """Every installed backend with its distribution, devices and status;
        ``devices=False`` skips ``BackendInfo.devices()``, which may import the
        array library (torch takes seconds), and leaves the devices empty."""
        rows = []
        for name in self.names():
            loaded = self._load(name)
            c = loaded.candidate
            row: dict[str, Any] = dict(name=name, distribution=c.distribution, version=c.version,
                                       warning=loaded.warning,
                                       load_seconds=round(loaded.seconds, 3))
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
                found = tuple(info.devices()) if devices else ()
            except Exception as exc:
                if _strict():
                    raise KlongSetupError(f"backend {name!r}: devices() failed: "
                                          f"{_describe(exc)}") from exc
                rows.append(BackendStatus(**row, float64=info.float64, autograd=info.autograd,
                                          status="error", error=f"devices(): {_describe(exc)}",
                                          description=info.description))
                continue
            rows.append(BackendStatus(**row, devices=found, float64=info.float64,
                                      autograd=info.autograd, description=info.description))
        return rows


def _plugin(name: str, cand: _Candidate) -> tuple[pluggy.PluginManager, list]:
    """Import a backend's plugin module, register it, ask it for its BackendInfo."""
    module = cand.entry_point.load()
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.register(module, name=f"{GROUP}:{name}")
    return pm, [i for i in pm.hook.klong_backend() if i is not None]


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


def list_backends(devices: bool = True) -> list[BackendStatus]:
    """Every installed backend, broken ones included (with their error);
    ``devices=False``: without probing devices (no array library imported)."""
    return _registry().list_backends(devices)


def plugin_manager_for(name: str) -> pluggy.PluginManager:
    """The plugin manager holding core's hookspecs and backend ``name``'s plugin."""
    return _registry().plugin_manager_for(name)


def installed_backends() -> list[str]:
    """Names of installed backends, from metadata only (imports nothing)."""
    return _registry().names()


__all__ = ["BackendRegistry", "BackendStatus", "KlongSetupError", "GROUP",
           "installed_backends", "list_backends", "load_backend", "plugin_manager_for"]
