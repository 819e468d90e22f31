"""Panel scoring: queues, the scoring page, conflicts, blind scoring, paper entry, coverage."""

from flask import Blueprint

bp = Blueprint("scoring", __name__)

from panel.scoring import views  # noqa: E402, F401
