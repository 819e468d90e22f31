"""Command-line tools of the applications area."""

import click

# Commands added to `flask --app panel` by panel.cli.register_commands.
commands: list[click.Command] = []
