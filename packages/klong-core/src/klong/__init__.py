"""Klong for Python: the Klong array language on interchangeable array backends,
with differentiation as a language operator.

>>> from klong import KlongInterpreter      # doctest: +SKIP
>>> KlongInterpreter()("2*1+!5")            # doctest: +SKIP
array([ 2,  4,  6,  8, 10])
"""

from .errors import KlongError, KlongSetupError
from .interpreter import KlongInterpreter
from .limits import LimitError, Limits
from .autograd import value_and_gradients

__version__ = "0.1.0"


def load_ipython_extension(ipython: object) -> None:
    """``%load_ext klong`` in IPython or Jupyter: the ``%klong`` and ``%%klong``
    magics (:mod:`klong.notebook`; IPython is imported only here)."""
    from .notebook import load_ipython_extension as load

    load(ipython)


__all__ = ["KlongInterpreter", "KlongError", "KlongSetupError", "Limits", "LimitError",
           "value_and_gradients", "__version__"]
