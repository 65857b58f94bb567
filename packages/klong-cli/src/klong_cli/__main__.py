"""``python -m klong_cli``: the same as the ``klong`` command."""

import sys

from klong_cli.main import main

sys.exit(main())
