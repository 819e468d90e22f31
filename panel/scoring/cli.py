"""Command-line tools of the scoring area."""

import click

# Commands added to `flask --app panel` by panel.cli.register_commands.
commands: list[click.Command] = []


@click.command("scoring-progress")
@click.argument("round_ident", metavar="ROUND")
def scoring_progress(round_ident: str) -> None:
    """Show who has scored what in ROUND (an id or slug): the coverage page, as text."""
    from panel.rounds.services import find_round
    from panel.scoring import services

    round_ = find_round(round_ident)
    if round_ is None:
        raise click.ClickException(f"There is no round called {round_ident!r}.")
    cover = services.coverage(round_)
    click.echo(f"{round_.name}: each application needs {round_.quorum} submitted scores.")
    for application in cover.applications:
        n = cover.per_application.get(application.id, 0)
        flag = "" if n >= round_.quorum else f"  (needs {round_.quorum - n} more)"
        click.echo(f"  {application.reference}  {n} of {round_.quorum}{flag}")
    total = len(cover.applications)
    for panellist in cover.panellists:
        counts = cover.per_panellist.get(panellist.id, {})
        conflicts = counts.get("conflict", 0)
        click.echo(
            f"  {panellist.display_name}: {counts.get('submitted', 0)} of {total - conflicts} "
            f"submitted, {counts.get('draft', 0)} drafts, {conflicts} conflicts"
        )


commands.append(scoring_progress)
