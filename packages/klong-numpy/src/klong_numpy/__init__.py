"""Klong's NumPy backend (entry point ``numpy`` in group ``klong.backends``).

NumPy is imported only when the backend is built: importing this package,
or listing backends, stays cheap.
"""

__version__ = "0.1.0"
