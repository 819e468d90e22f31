"""Panel scoring: queues, the scoring page, conflicts, blind scoring, paper entry, coverage."""

from flask import Blueprint

bp = Blueprint("scoring", __name__)


def blueprint() -> Blueprint:
    """The blueprint with the area's pages on it: their modules load on the first call."""
    from panel.scoring import conflict_views, done_views, views  # noqa: F401

    return bp
