"""The conformance kit's pytest plugin (entry point ``pytest11``): it only
declares the ``--klong-backend`` option.

pytest reads command-line options before it finds the ``conftest.py`` of a
package named with ``--pyargs``, so the option must come from an installed
plugin. Everything else lives in ``klong/conformance/conftest.py`` and runs
only when the kit itself is collected.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("klong", "Klong conformance kit (pytest --pyargs klong.conformance)")
    group.addoption("--klong-backend", action="append", default=[], metavar="NAME",
                    help="backend to check (repeatable or comma separated; default: "
                         "$KLONG_BACKEND, else every installed backend)")
