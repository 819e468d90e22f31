"""Command-line tools of the results area: export, verify-export and seed-synthetic."""

import sys
from pathlib import Path
from typing import Any

import click

from panel.progress import progress_bar


def _round(ident: str) -> Any:
    from panel.rounds.services import find_round

    round_ = find_round(ident)
    if round_ is None:
        raise click.ClickException(f"There is no round {ident!r} (give its id or slug).")
    return round_


@click.command("export")
@click.argument("round_ident", metavar="ROUND")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "csv", "scores-csv", "360giving", "360giving-json", "feedback"]),
    default="xlsx",
    show_default=True,
    help="xlsx: the full workbook; csv: the Summary; scores-csv: every score (the Scores "
    "sheet); 360giving(-json): awarded grants; feedback: one row per application for a mail merge.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The file to write.",
)
@click.option("--anonymise", is_flag=True, help='Show panellists as "Panellist 1, 2, ...".')
@click.option(
    "--comments",
    type=click.Choice(["all", "criterion", "overall", "none"]),
    default="all",
    show_default=True,
    help="Feedback only: which panel comments to pass on (never with names).",
)
def export_command(
    round_ident: str, fmt: str, output: Path, anonymise: bool, comments: str
) -> None:
    """Export ROUND (an id or slug) to a file, streaming rows from the database.

    The export is audited (results.exported, made from the command line) before the file takes
    its name, so there is never an export without its audit record.
    """
    from panel.database import is_disk_full
    from panel.extensions import db
    from panel.results import exports as ex
    from panel.results.exports.make import VIA_CLI, record_export
    from panel.results.services import ResultsUnavailable

    round_ = _round(round_ident)
    chosen = {"all": ex.COMMENT_CHOICES, "none": ()}.get(comments, (comments,))
    options = ex.ExportOptions(fmt, anonymise=anonymise, comments=tuple(chosen))
    partial = output.with_name(output.name + ".part")
    try:
        with progress_bar(f"Exporting {round_.slug}") as progress, partial.open("wb") as out:
            ex.write_export(round_, options, out, progress=progress)
        db.session.rollback()  # the export's reads end; the audit record is a new transaction
        record_export(round_=round_, options=options, actor=None, via=VIA_CLI)
        db.session.commit()
    except BaseException as exc:  # nothing half-written is left behind, whatever went wrong
        db.session.rollback()
        partial.unlink(missing_ok=True)
        if isinstance(exc, ex.ExportError | ResultsUnavailable):
            raise click.ClickException(str(exc)) from exc
        if is_disk_full(exc):
            raise click.ClickException(
                f"The disk is full: nothing was written to {output}. Free some space and try again."
            ) from exc
        raise
    partial.replace(output)
    click.echo(f"Wrote {output} ({output.stat().st_size:,} bytes).")


@click.command("verify-export")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--round",
    "round_ident",
    default=None,
    metavar="ROUND",
    help="A .json file only: the round it is from (by default, the round its grants name).",
)
def verify_export_command(file: Path, round_ident: str | None) -> None:
    """Check an export: recompute an xlsx workbook's Summary from its own sheets, or check a
    360Giving .json package against the 360Giving schema and the round's confirmed awards.

    Exits 0 only when everything matches; prints each mismatch otherwise.
    """
    from panel.results.exports.verify import VerifyError

    try:
        if file.suffix.lower() == ".json":
            _verify_package(file, round_ident)
        else:
            _verify_workbook(file)
    except VerifyError as exc:
        raise click.ClickException(str(exc)) from exc


def _verify_workbook(file: Path) -> None:
    from panel.results.exports.verify import recompute

    report = recompute(file)
    if report.ok:
        click.echo(
            f"All figures match: {report.applications} applications recomputed from "
            f"{report.scores:,} scores."
        )
        if report.coproduction_lines:
            click.echo(
                f"The Co-production sheet adds up: {report.coproduction_lines} lines checked "
                "against their totals."
            )
        return
    for line in report.mismatches:
        click.echo(line)
    click.echo(f"{len(report.mismatches)} figure(s) do not match the recomputation.", err=True)
    sys.exit(1)


def _verify_package(file: Path, round_ident: str | None) -> None:
    from panel.extensions import db
    from panel.results.exports.verify_giving import check_package_file

    report = check_package_file(file, _round(round_ident) if round_ident else None)
    db.session.rollback()
    if report.ok:
        click.echo(
            f"All {report.grants} grants match the confirmed awards of round "
            f"'{report.round_name}' and the 360Giving schema."
        )
        return
    for line in report.problems:
        click.echo(line)
    click.echo(
        f"{len(report.problems)} problem(s): the file does not match the 360Giving schema or "
        "the round's confirmed awards.",
        err=True,
    )
    sys.exit(1)


@click.command("seed-synthetic")
@click.option("--applications", type=click.IntRange(1, 5000), default=500, show_default=True)
@click.option("--panellists", type=click.IntRange(1, 200), default=30, show_default=True)
@click.option(
    "--criteria", "criteria_count", type=click.IntRange(1, 99), default=12, show_default=True
)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--stage",
    type=click.Choice(["panel", "scoring"]),
    default="panel",
    show_default=True,
    help="scoring: the round is still at the Scoring stage, deadline two weeks ahead.",
)
@click.option(
    "--submitted-fraction",
    type=click.FloatRange(0.0, 1.0),
    default=1.0,
    show_default=True,
    help="The share of panellist/application pairs with a submitted review; the rest are "
    "not started.",
)
@click.option(
    "--password",
    default=None,
    help="Let the staff account and every panellist sign in with this password "
    "(a scratch database only).",
)
def seed_synthetic_command(
    applications: int,
    panellists: int,
    criteria_count: int,
    seed: int,
    stage: str,
    submitted_fraction: float,
    password: str | None,
) -> None:
    """Create a synthetic round at the Panel meeting (or Scoring) stage and print its id.

    Made for benchmarks and tests: a staff account, resident panellists, an adopted rubric,
    eligible applications, a submitted review for every panellist without a conflict (about 5%
    declare one; fewer reviews with --submitted-fraction) and varied panellist harshness.
    Rows are bulk-inserted, so only one audit row (the round's creation) is written.
    Panellists' emails are <round slug>.p1@example.invalid, .p2, ...
    """
    from panel.extensions import db
    from panel.models import Stage
    from panel.results.synthetic import SyntheticError, seed_synthetic

    try:
        with progress_bar("Creating the synthetic round") as progress:
            round_ = seed_synthetic(
                applications=applications,
                panellists=panellists,
                criteria_count=criteria_count,
                seed=seed,
                progress=progress,
                stage=Stage(stage),
                submitted_fraction=submitted_fraction,
                password=password,
            )
    except SyntheticError as exc:
        raise click.ClickException(str(exc)) from exc
    round_id = round_.id
    db.session.commit()
    click.echo(round_id)


# Commands added to `flask --app panel` by panel.cli.register_commands.
commands: list[click.Command] = [export_command, verify_export_command, seed_synthetic_command]
