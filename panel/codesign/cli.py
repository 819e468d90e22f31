"""Command-line tools of the codesign area."""

import click


@click.command("show-criteria")
@click.argument("round_ident", metavar="ROUND")
def show_criteria(round_ident: str) -> None:
    """Print the round's adopted criteria in force: order, kind, weight and any weight change."""
    from panel.codesign import services
    from panel.rounds.services import find_round

    round_ = find_round(round_ident)
    if round_ is None:
        raise click.ClickException(f"There is no round {round_ident!r}.")
    rubric = services.current_rubric(round_)
    if rubric is None:
        raise click.ClickException(f"{round_.name} has not adopted its criteria yet.")
    click.echo(
        f"{round_.name}: criteria version {rubric.version}, adopted by "
        f"{rubric.adopted_by.display_name} on {rubric.adopted_at:%Y-%m-%d %H:%M} UTC"
    )
    for item in rubric.criteria:
        if item.kind == "scored":
            line = f"  {item.position}. {item.title} (scored, weight {item.weight})"
            if item.weight_reason:
                line += f" - changed from {item.proposed_weight}: {item.weight_reason}"
        else:
            line = f"  {item.position}. {item.title} (pass or fail)"
        click.echo(line)


# Commands added to `flask --app panel` by panel.cli.register_commands.
commands: list[click.Command] = [show_criteria]
