"""``python -m klong``: the same as the ``klong`` command."""

import sys

from klong.command import main

sys.exit(main())
