"""Ideas for the fund (co-initiation): residents post what the fund should support, support and
discuss ideas between rounds; staff answer each one; rounds say which ideas they respond to."""

from flask import Blueprint

bp = Blueprint("ideas", __name__)


def blueprint() -> Blueprint:
    """The blueprint with the area's pages on it: their modules load on the first call."""
    from panel.ideas import moderation_views, views  # noqa: F401

    return bp
