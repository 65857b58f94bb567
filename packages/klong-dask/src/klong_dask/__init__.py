"""Klong's Dask backend: arrays are chunked, lazy ``dask.array`` arrays,
computed by a ``dask.distributed`` cluster (a local one, or one you name)."""

__version__ = "0.1.0"
