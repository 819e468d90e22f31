"""After the award: grant offers and their acceptance, payments, end-of-grant reports, the
private links groups use for them, and "What we funded"."""

from flask import Blueprint

bp = Blueprint("grants", __name__)

from panel.grants import erasure, funded_views, link_views, views  # noqa: E402, F401
