"""Results, the panel meeting, decisions and exports."""

from flask import Blueprint

bp = Blueprint("results", __name__)


def blueprint() -> Blueprint:
    """The blueprint with the area's pages on it: their modules load on the first call."""
    from panel.results import (  # noqa: F401
        decision_views,
        feedback_views,
        outcome_views,
        pack_views,
        views,
    )
    from panel.results.exports import record_views  # noqa: F401
    from panel.results.exports import views as export_views  # noqa: F401

    return bp
