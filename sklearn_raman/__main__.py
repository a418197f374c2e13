"""``python -m sklearn_raman``: dispatch to :mod:`sklearn_raman.cli`."""

import sys

from .cli import build_parser as _parser  # noqa: F401  (kept for old imports)
from .cli import main

if __name__ == "__main__":
    sys.exit(main())
