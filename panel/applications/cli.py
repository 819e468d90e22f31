"""Command-line tools of the applications area."""

import sys
from pathlib import Path

import click

from panel.progress import progress_bar

# Commands added to `flask --app panel` by panel.cli.register_commands.
commands: list[click.Command] = []

MAX_FILE_BYTES = 5 * 1024 * 1024


@click.command("import-applications")
@click.argument("round_ident", metavar="ROUND")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--skip-duplicates",
    is_flag=True,
    help="Skip rows with the same organisation and project title as an application we have.",
)
@click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="FIELD=HEADER",
    help=(
        'Say which column holds a question, e.g. --column spend_on="What the money is for" '
        "(FIELD: a question's name or label; HEADER: the column's heading or number). "
        "Repeat for each column the guess gets wrong."
    ),
)
def import_applications(
    round_ident: str, path: Path, skip_duplicates: bool, columns: tuple[str, ...]
) -> None:
    """Import applications from an .xlsx or .csv FILE into ROUND (an id or slug): all or nothing.

    Columns are matched to the questions by their headings, forgivingly (the same words or a
    close spelling); each guess is printed, and --column corrects any of them.

    The rows are checked without holding the database's write lock, then written in one short
    transaction, so the site keeps saving meanwhile.
    """
    from panel.applications import extras, importer, matching, services, spreadsheet
    from panel.database import reads_only
    from panel.extensions import db
    from panel.rounds.services import find_round

    with reads_only():
        round_ = find_round(round_ident)
        if round_ is None:
            click.echo(f"There is no round {round_ident!r}.", err=True)
            sys.exit(1)
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            click.echo(f"Cannot read {path}: {exc.strerror or exc}", err=True)
            sys.exit(1)
        if len(data) > MAX_FILE_BYTES:
            click.echo("That file is too big: files must be smaller than 5 MB.", err=True)
            sys.exit(1)
        try:
            sheet = spreadsheet.read_upload(path.name, data)
        except spreadsheet.ImportRefused as exc:
            click.echo(f"{path.name}: {exc}", err=True)
            sys.exit(1)
        for note in sheet.notes:
            click.echo(note)
        try:
            mapping = matching.apply_columns(
                matching.guess_mapping(sheet.headers, extras.questions(round_)),
                sheet.headers,
                list(columns),
            )
        except matching.ColumnChoiceError as exc:
            click.echo(f"{exc}. Nothing was imported.", err=True)
            sys.exit(1)
        for line in matching.mapping_lines(mapping, sheet.headers):
            click.echo(line)
        with progress_bar("Checking") as progress:
            preview = matching.build_preview(
                round_=round_, rows=sheet.rows, mapping=mapping, progress=progress
            )
        click.echo(f"{path.name}: {len(preview.rows)} rows for {round_.name}.")
    for line in preview.report_lines():
        click.echo(line)
    for line in preview.duplicate_lines():
        click.echo(line + (" (skipped)" if skip_duplicates else " (imported anyway)"))
    if not preview.can_import:
        click.echo("Nothing was imported: fix the rows above and run the command again.", err=True)
        sys.exit(1)
    try:
        done = importer.import_checked(
            round_=round_,
            preview=preview,
            headers=sheet.headers,
            mapping=mapping,
            filename=path.name,
            skip_duplicates=skip_duplicates,
            actor=None,
        )
    except services.ApplicationError as exc:
        db.session.rollback()
        message = str(exc)
        if not message.startswith("Nothing was imported"):
            message = f"Nothing was imported: {message}"
        click.echo(message, err=True)
        sys.exit(1)
    db.session.commit()
    created, skipped = done.created, done.skipped
    summary = f"Imported {len(created)} applications"
    if created:
        summary += f": {created[0].reference} to {created[-1].reference}"
    if skipped:
        summary += f"; skipped {len(skipped)} duplicates"
    click.echo(summary + ".")


commands.append(import_applications)


@click.command("erase-expired-drafts")
def erase_expired_drafts() -> None:
    """Erase saved drafts (and their files) whose round has closed. Run it daily (cron)."""
    from panel.applications import drafts
    from panel.extensions import db

    erased = drafts.erase_expired()
    db.session.commit()
    click.echo(f"{erased} expired {'draft' if erased == 1 else 'drafts'} erased.")


commands.append(erase_expired_drafts)
