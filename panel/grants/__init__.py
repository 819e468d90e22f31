"""After the award: grant offers and their acceptance, payments, end-of-grant reports, the
private links groups use for them, and "What we funded"."""

from flask import Blueprint

bp = Blueprint("grants", __name__)


def blueprint() -> Blueprint:
    """The blueprint with the area's pages on it: their modules load on the first call."""
    from panel.grants import erasure, funded_views, link_views, views  # noqa: F401

    return bp
