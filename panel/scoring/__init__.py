"""Panel scoring: queues, the scoring page, conflicts, blind scoring, paper entry, coverage."""

from flask import Blueprint

bp = Blueprint("scoring", __name__)

from panel.scoring import conflict_views, done_views, views  # noqa: E402, F401
