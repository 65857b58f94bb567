"""The ``klong`` command: run Klong programs and expressions, the REPL, backend listing."""

__version__ = "0.1.0"
