"""`kit class` (also `python -m kit.classroom`): the class report in the terminal, and optionally as an HTML page."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kit.errors import KitError
from kit.i18n import _


def parser(prog: str = "kit class") -> argparse.ArgumentParser:
    """The arguments of `kit class`."""
    commands = argparse.ArgumentParser(
        prog=prog, description=_("Read the class's progress exports and show who climbed, and which lessons "
                                  "and graders the class struggles with."))
    add_arguments(commands)
    return commands


def add_arguments(commands: argparse.ArgumentParser) -> None:
    """Add `kit class`'s arguments to a parser (kit/cli.py calls this on its `class` sub-parser)."""
    commands.add_argument("sources", nargs="+", metavar="FOLDER_OR_FILE",
                          help=_("folders of progress exports (*.jsonl, sub-folders too) or single files"))
    commands.add_argument("--pass-mark", type=float, default=80.0, help=_("total at which a lesson counts as passed"))
    commands.add_argument("--html", metavar="PATH", help=_("also write the report, with its plots, as an HTML page"))
    commands.add_argument("--overwrite", action="store_true", help=_("let --html replace an existing file"))


def report(args: argparse.Namespace) -> int:
    """Print the report for parsed arguments; 0 when every file was read, 1 when some were skipped."""
    from kit.classroom import ClassroomError, collect

    if args.html and Path(args.html).exists() and not args.overwrite:  # say so before reading, not after
        raise ClassroomError(_("{path} already exists; choose another name, or add --overwrite.").format(path=args.html))
    room = collect(args.sources, pass_mark=args.pass_mark)
    graders = room.graders()
    for part in (room, room.leaderboard(), room.lessons(), graders, graders.hints()):
        print(part, end="\n\n")
    if args.html:
        print(_("Report written to {path}").format(path=room.save_report(args.html, overwrite=args.overwrite)))
    return 1 if room.problems else 0


def run(argv: list[str] | None = None, prog: str = "kit class") -> int:
    """Parse `argv` and print the report; a kit error is one line on stderr and exit code 2."""
    args = parser(prog).parse_args(argv)
    try:
        return report(args)
    except KitError as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return 2
