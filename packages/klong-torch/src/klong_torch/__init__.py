"""Klong's PyTorch backend (entry point ``torch`` in group ``klong.backends``).

torch is imported only when the backend is built or its devices are listed:
importing this package stays cheap.
"""

__version__ = "0.1.0"
