"""`kit class`: the class report in the terminal, and optionally as an HTML page."""

from __future__ import annotations

import argparse

from kit.errors import KitError


def parser() -> argparse.ArgumentParser:
    """The arguments of `kit class` (also used to add it to the `kit` command)."""
    commands = argparse.ArgumentParser(
        prog="kit class", description="Read the class's progress exports and show who climbed, and which lessons "
        "and graders the class struggles with.")
    add_arguments(commands)
    return commands


def add_arguments(commands: argparse.ArgumentParser) -> None:
    """Add `kit class`'s arguments to a parser (kit/cli.py can call this on its sub-parser)."""
    commands.add_argument("sources", nargs="+", metavar="FOLDER_OR_FILE",
                          help="folders of progress exports (*.jsonl, sub-folders too) or single files")
    commands.add_argument("--pass-mark", type=float, default=80.0, help="total at which a lesson counts as passed")
    commands.add_argument("--html", metavar="PATH", help="also write the report, with its plots, as an HTML page")
    commands.add_argument("--overwrite", action="store_true", help="let --html replace an existing file")


def report(args: argparse.Namespace) -> int:
    """Print the report for parsed arguments; 0 when every file was read, 1 when some were skipped."""
    from kit.classroom import collect

    room = collect(args.sources, pass_mark=args.pass_mark)
    for part in (room, room.leaderboard(), room.lessons(), room.graders()):
        print(part, end="\n\n")
    if args.html:
        print(f"Report written to {room.save_report(args.html, overwrite=args.overwrite)}")
    return 1 if room.problems else 0


def run(argv: list[str] | None = None) -> int:
    """`kit class` as a function: parse `argv`, print the report; a kit error is one line on stderr, exit code 2."""
    import sys

    args = parser().parse_args(argv)
    try:
        return report(args)
    except (KitError, FileExistsError) as error:
        print(f"kit class: {error}", file=sys.stderr)
        return 2
