"""Funding rounds: the home page, setting up a round, its stages, its panel and its log."""

from flask import Blueprint

bp = Blueprint("rounds", __name__)


def blueprint() -> Blueprint:
    """The blueprint with the area's pages on it: their modules load on the first call."""
    from panel.rounds import views  # noqa: F401

    return bp
