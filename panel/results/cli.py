"""Command-line tools of the results area: export, verify-export and seed-synthetic."""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from panel.extensions import db

Progress = Callable[[int, int], None]


@contextmanager
def progress_bar(label: str) -> Iterator[Progress | None]:
    """A click progress bar when stdout is a terminal; nothing when piped or under test."""
    if not sys.stdout.isatty():
        yield None
        return
    bar: Any = None
    shown = 0

    def update(done: int, total: int) -> None:
        nonlocal bar, shown
        if bar is None:
            bar = click.progressbar(length=max(total, 1), label=label)
            bar.__enter__()
        bar.update(max(0, done - shown))
        shown = done

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


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
    type=click.Choice(["xlsx", "csv", "360giving", "360giving-json", "feedback"]),
    default="xlsx",
    show_default=True,
    help="xlsx: the full workbook; csv: the Summary; 360giving(-json): awarded grants; "
    "feedback: one row per application for a mail merge.",
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
    """Export ROUND (an id or slug) to a file, streaming rows from the database."""
    from panel.results import exports as ex
    from panel.results.services import ResultsUnavailable

    round_ = _round(round_ident)
    chosen = {"all": ex.COMMENT_CHOICES, "none": ()}.get(comments, (comments,))
    options = ex.ExportOptions(fmt, anonymise=anonymise, comments=tuple(chosen))
    partial = output.with_name(output.name + ".part")
    try:
        with progress_bar(f"Exporting {round_.slug}") as progress, partial.open("wb") as out:
            ex.write_export(round_, options, out, progress=progress)
    except (ex.ExportError, ResultsUnavailable) as exc:
        partial.unlink(missing_ok=True)
        raise click.ClickException(str(exc)) from exc
    partial.replace(output)
    db.session.rollback()
    click.echo(f"Wrote {output} ({output.stat().st_size:,} bytes).")


@click.command("verify-export")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify_export_command(file: Path) -> None:
    """Recompute FILE's Summary from its Scores, Criteria, Conflicts and About sheets.

    Exits 0 only when every figure matches; prints each mismatch otherwise.
    """
    from panel.results.verify import VerifyError, recompute

    try:
        report = recompute(file)
    except VerifyError as exc:
        raise click.ClickException(str(exc)) from exc
    if report.ok:
        click.echo(
            f"All figures match: {report.applications} applications recomputed from "
            f"{report.scores:,} scores."
        )
        return
    for line in report.mismatches:
        click.echo(line)
    click.echo(f"{len(report.mismatches)} figure(s) do not match the recomputation.", err=True)
    sys.exit(1)


@click.command("seed-synthetic")
@click.option("--applications", type=click.IntRange(1, 5000), default=500, show_default=True)
@click.option("--panellists", type=click.IntRange(1, 200), default=30, show_default=True)
@click.option(
    "--criteria", "criteria_count", type=click.IntRange(1, 99), default=12, show_default=True
)
@click.option("--seed", type=int, default=1, show_default=True)
def seed_synthetic_command(
    applications: int, panellists: int, criteria_count: int, seed: int
) -> None:
    """Create a complete synthetic round at the Panel meeting stage and print its id.

    Made for benchmarks and tests: a staff account, resident panellists, an adopted rubric,
    eligible applications, a submitted review for every panellist without a conflict (about 5%
    declare one) and varied panellist harshness. Rows are bulk-inserted, so only one audit row
    (the round's creation) is written.
    """
    from panel.results.synthetic import SyntheticError, seed_synthetic

    try:
        with progress_bar("Creating the synthetic round") as progress:
            round_ = seed_synthetic(
                applications=applications,
                panellists=panellists,
                criteria_count=criteria_count,
                seed=seed,
                progress=progress,
            )
    except SyntheticError as exc:
        raise click.ClickException(str(exc)) from exc
    round_id = round_.id
    db.session.commit()
    click.echo(round_id)


# Commands added to `flask --app panel` by panel.cli.register_commands.
commands: list[click.Command] = [export_command, verify_export_command, seed_synthetic_command]
