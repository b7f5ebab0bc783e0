"""The `kit` command (also `python -m kit`): demo, doctor, personas, graders, arena."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kit.errors import KitError
from kit import columns
from kit.i18n import _, language


def _demo(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from kit import demo, personas
    from kit.arena.report import grader_label
    from kit.config import load_settings

    console = Console()
    console.print(f"[bold]kit demo[/] · {load_settings().describe()}")
    console.print(_("Customer: {persona}").format(persona=personas.load(args.persona)) + "\n"
                  + _("Three prompts, each a little better:") + "\n")
    attempts = demo.run(persona=args.persona, seed=args.seed)
    for number, attempt in enumerate(attempts, 1):
        console.print(_("[bold]Attempt {number}[/] ({change}):").format(number=number, change=_(attempt.change)))
        console.print("  " + attempt.prompt.replace("\n", "\n  "), highlight=False)
    graders = list(attempts[0].scores)
    table = Table(title=_("The climb (0-100)"))
    # Chinese has no spaces to wrap at: fold it onto the next line rather than cut it short with "…"
    fold: dict[str, str] = {"overflow": "fold"} if language() == "zh" else {}
    table.add_column(_("attempt"), justify="right", **fold)
    table.add_column(_("what changed"), **fold)
    for name in graders:
        table.add_column(grader_label(name), justify="right", **fold)
    table.add_column(_("total"), justify="right", style="bold", **fold)
    for number, attempt in enumerate(attempts, 1):
        cells = [_("n/a") if attempt.scores[g] is None else f"{attempt.scores[g]:.0f}" for g in graders]
        table.add_row(str(number), _(attempt.change), *cells, f"{attempt.total:.0f}")
    console.print(table)
    for number, attempt in enumerate(attempts, 1):
        if attempt.hint:
            console.print(_("[dim]after attempt {number}, the scorecard's first hint:[/] {hint}").format(
                number=number, hint=attempt.hint))
    console.print(_("Totals: {totals}").format(totals=" → ".join(f"{a.total:.0f}" for a in attempts)))
    return 0


def _doctor(args: argparse.Namespace) -> int:
    from kit.doctor import diagnose

    findings = diagnose(timeout_s=args.timeout)
    for finding in findings:
        print(f"{'FAIL' if not finding.ok else 'WARN' if finding.warning else 'ok  '}  {columns.ljust(finding.what, 12)} {finding.detail}")
    return 0 if all(f.ok for f in findings) else 1


def _personas_list(args: argparse.Namespace) -> int:
    from kit import personas

    for name in personas.names():
        print(f"{name:<20} {personas.load(name)}")
    return 0


def _personas_validate(args: argparse.Namespace) -> int:
    from kit.personas import load_card

    failed = 0
    for path in args.paths:
        try:
            card = load_card(Path(path))
        except FileNotFoundError:
            print(_("{path}: no such file").format(path=path), file=sys.stderr)
            failed += 1
        except KitError as error:
            print(error, file=sys.stderr)
            failed += 1
        else:
            print(_("{path}: ok ({id})").format(path=path, id=card.id))
    return 1 if failed else 0


def _exercises_build(args: argparse.Namespace) -> int:
    from kit.exercises import build

    results = build(Path(args.root), check=args.check)
    for built in results:
        state = (_("out of date") if args.check else _("written")) if built.changed else _("up to date")
        print(f"{built.path}: {state}")
    if args.check and any(built.changed for built in results):
        print(_("exercises/ is out of date: run `kit exercises build`."), file=sys.stderr)
        return 1
    return 0


def _editions(args: argparse.Namespace) -> int:
    from kit.editions import editions, stale, write

    problems = 0
    for edition in editions(args.language):
        if args.action == "check":
            if reason := stale(edition):
                print(reason, file=sys.stderr)
                problems += 1
            else:
                print(f"{edition.target}: {_('up to date')}")
        else:
            print(f"{write(edition)}: {_('built')}")
    if problems:
        print(_("Run `kit editions build`, then `make notebooks` to execute what changed."), file=sys.stderr)
    return 1 if problems else 0


def _graders_calibrate(args: argparse.Namespace) -> int:
    from kit.calibration import calibrate

    judge = False if args.no_judge else None
    if args.folder is not None:
        print(calibrate(args.folder, judge=judge))
        return 0
    from kit.calibration import calibrate_sets

    for label, report in calibrate_sets(judge=judge).items():
        print(f"== {label} ==")
        print(report)
        print()
    return 0


def _arena(args: argparse.Namespace) -> int:
    from kit.arena import load_config, run_config
    from kit.arena.report import ReportExists

    config = load_config(Path(args.config))
    report = Path(args.report) if args.report else config.path(config.report)
    if report is not None and report.exists():  # say so before playing, not after
        raise ReportExists(_("{path} already exists; choose another name with --report (nothing is overwritten).").format(
            path=report))
    print(_("Arena {config}: {count} agents, results in {results}").format(
        config=args.config, count=len(config.agents), results=config.results_path), file=sys.stderr)
    try:
        arena = run_config(config, concurrency=args.concurrency, progress=not args.no_progress)
    except KeyboardInterrupt:
        print(_("Stopped. Every finished conversation is saved in {results}; run the same command again to carry "
                "on.").format(results=config.results_path), file=sys.stderr)
        return 130
    print(arena)
    if report is not None:
        print(_("Report: {path}").format(path=arena.report(report)))
    if arena.records and arena.failed_count == len(arena.records):
        print(_("Every conversation failed ({count}): no agent was scored. The reasons are listed above; "
                "`kit doctor` checks the model settings.").format(count=arena.failed_count), file=sys.stderr)
        return 1
    return 0


def _class(args: argparse.Namespace) -> int:
    from kit.classroom.command import report

    return report(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kit", description=_("Prompt-engineering customer service: the course's tools."))
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help=_("three prompts against the typo auntie, offline, in a few seconds"))
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--persona", default="typo_auntie", help=_("which customer (see `kit personas list`)"))
    demo.set_defaults(run=_demo)
    doctor = commands.add_parser("doctor", help=_("which model is configured, and does it answer"))
    doctor.add_argument("--timeout", type=float, default=15.0, help=_("seconds to wait for the endpoint"))
    doctor.set_defaults(run=_doctor)
    personas = commands.add_parser("personas", help=_("the simulated customers"))
    persona_commands = personas.add_subparsers(dest="action", required=True)
    persona_commands.add_parser("list", help=_("show the cast")).set_defaults(run=_personas_list)
    validate = persona_commands.add_parser("validate", help=_("check persona card files"))
    validate.add_argument("paths", nargs="+")
    validate.set_defaults(run=_personas_validate)
    exercises = commands.add_parser("exercises", help=_("generate exercises/ from solutions/"))
    exercise_commands = exercises.add_subparsers(dest="action", required=True)
    build = exercise_commands.add_parser("build", help=_("write exercises/ (answers removed) from solutions/"))
    build.add_argument("--check", action="store_true", help=_("only check that exercises/ is up to date"))
    build.add_argument("--root", default=".", help=_("the course's top folder (default: here)"))
    build.set_defaults(run=_exercises_build)
    editions = commands.add_parser("editions", help=_("the Chinese edition of the lessons, built from the English ones"))
    edition_commands = editions.add_subparsers(dest="action", required=True)
    for action, what in (("build", _("write notebooks/zh/ from notebooks/ and lessons/zh/")),
                         ("check", _("fail when an edition is out of date"))):
        command = edition_commands.add_parser(action, help=what)
        command.add_argument("--language", default="zh", choices=["zh"])
        command.set_defaults(run=_editions)
    graders = commands.add_parser("graders", help=_("the automatic graders"))
    grader_commands = graders.add_subparsers(dest="action", required=True)
    calibrate = grader_commands.add_parser("calibrate", help=_("compare the graders with hand-labelled transcripts"))
    calibrate.add_argument("folder", nargs="?", default=None,
                           help=_("labelled transcripts or chat logs (default: the kit's two sets, in-sample "
                                  "tests/data/calibration and out-of-sample tests/data/chatlogs)"))
    calibrate.add_argument("--no-judge", action="store_true",
                           help=_("skip the LLM judge even if a real model is configured"))
    calibrate.set_defaults(run=_graders_calibrate)
    arena = commands.add_parser("arena", help=_("many agents against the whole cast: a leaderboard (resumable)"))
    arena.add_argument("config", help=_("an arena YAML file (see examples/arena.yaml)"))
    arena.add_argument("--report", help=_("also write a self-contained HTML report here (a new file)"))
    arena.add_argument("--concurrency", type=int, help=_("conversations at once (default: the config's, else 8)"))
    arena.add_argument("--no-progress", action="store_true", help=_("no progress bar"))
    arena.set_defaults(run=_arena)
    klass = commands.add_parser("class", help=_("a class's progress exports: leaderboard, hardest lessons and graders"))
    from kit.classroom.command import add_arguments

    add_arguments(klass)
    klass.set_defaults(run=_class)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a command; a learner-facing error is printed as one clear message, not a traceback."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except KitError as error:
        print(_("error: {error}").format(error=error), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
