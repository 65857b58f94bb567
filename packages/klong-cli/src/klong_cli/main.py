"""The ``klong`` command itself lives in klong-core (:mod:`klong.command`);
this name stays for ``python -m klong_cli`` and for code that imported it."""

from klong.command import main

__all__ = ["main"]
