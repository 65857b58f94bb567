"""pluggy hook implementations registering the Dask backend with klong-core.

Nothing heavy is imported here: dask and distributed come in when the backend
is built. The device is where computations run: ``local`` (the default) is a
``LocalCluster`` on this machine, started at the first computation that spans
more than one chunk; ``tcp://HOST:PORT`` (any scheduler address) joins an
existing cluster.
"""

from __future__ import annotations

import pluggy

from klong.backend import Backend, BackendInfo

hookimpl = pluggy.HookimplMarker("klong")

NAME = "dask"
SCHEMES = ("tcp://", "tls://", "ucx://", "inproc://", "ws://", "wss://")


def _factory(device: str | None = None, precision: int | None = None) -> Backend:
    from klong_dask.backend import DaskBackend

    return DaskBackend(device=device, precision=precision)


@hookimpl
def klong_backend() -> BackendInfo:
    """Dask arrays: chunked and lazy, computed on a local or remote cluster."""
    return BackendInfo(name=NAME, factory=_factory, devices=lambda: ["local"],
                       float64=True, autograd=False,
                       description="Dask arrays, chunked and lazy, on a dask.distributed cluster "
                                   "(--device local, or a scheduler address tcp://HOST:PORT)")


@hookimpl
def klong_select_device(backend_name: str, requested: str | None) -> str | None:
    """``None`` and ``local`` mean a cluster on this machine; an address joins one."""
    if backend_name != NAME:
        return None
    if requested in (None, "local", "cpu"):
        return "local"
    if requested.startswith(SCHEMES):
        return requested
    raise ValueError(f"the dask backend computes on a dask.distributed cluster, not on "
                     f"{requested!r}: --device local (the default, a cluster on this "
                     "machine) or a scheduler's address, such as tcp://10.0.0.5:8786")
