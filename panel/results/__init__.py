"""Results, the panel meeting, decisions and exports."""

from flask import Blueprint

bp = Blueprint("results", __name__)

from panel.results import (  # noqa: E402, F401
    decision_views,
    feedback_views,
    outcome_views,
    pack_views,
    views,
)
from panel.results.exports import record_views  # noqa: E402, F401
from panel.results.exports import views as export_views  # noqa: E402, F401
