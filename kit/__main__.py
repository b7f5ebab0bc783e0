"""`python -m kit ...` is the same as `kit ...`."""

import sys

from kit.cli import main

sys.exit(main())
