"""The command line's progress bar, shared by every area's commands.

It imports no area, so an area's `cli.py` can use it while `panel.cli` imports the areas' commands
one way only.
"""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

# Called as progress(done, total) by long-running services; None when no one is watching.
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
