"""A Klong backend on NumPy whose gradients are exact, computed by the
``autograd`` library (entry point ``autograd`` in group ``klong.backends``).

Nothing heavy is imported here: klong-core imports :mod:`klong_autograd.plugin`
to list the backend, and NumPy and autograd only when the backend is built.
"""

__version__ = "0.1.0"
