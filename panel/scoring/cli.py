"""Command-line tools of the scoring area."""

import click

# Commands added to `flask --app panel` by panel.cli.register_commands.
commands: list[click.Command] = []


@click.command("scoring-progress")
@click.argument("round_ident", metavar="ROUND")
def scoring_progress(round_ident: str) -> None:
    """Show who has scored what in ROUND (an id or slug): the coverage page, as text."""
    from panel.rounds.services import find_round
    from panel.scoring.services.progress import coverage

    round_ = find_round(round_ident)
    if round_ is None:
        raise click.ClickException(f"There is no round called {round_ident!r}.")
    cover = coverage(round_)
    click.echo(f"{round_.name}: each application needs {round_.quorum} submitted scores.")
    for application in cover.applications:
        short = cover.short_of_quorum(application.id)
        flag = f"  (needs {short} more)" if short else ""
        n = cover.submitted(application.id)
        click.echo(f"  {application.reference}  {n} of {round_.quorum}{flag}")
    for panellist in cover.panellists:
        done = cover.progress(panellist.id)
        click.echo(
            f"  {panellist.display_name}: {done.submitted} of {done.to_score} "
            f"submitted, {done.drafts} drafts, {done.conflicts} conflicts"
        )


commands.append(scoring_progress)
