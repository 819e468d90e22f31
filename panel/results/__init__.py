"""Results, the panel meeting, decisions and exports."""

from flask import Blueprint

bp = Blueprint("results", __name__)

from panel.results import pack_views, views  # noqa: E402, F401
from panel.results.exports import record_views  # noqa: E402, F401
from panel.results.exports import views as export_views  # noqa: E402, F401
