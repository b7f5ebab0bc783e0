"""`python -m kit.classroom FOLDER... [--pass-mark 80] [--html report.html]`: the class report."""

import sys

from kit.classroom.command import run

sys.exit(run(prog="python -m kit.classroom"))
