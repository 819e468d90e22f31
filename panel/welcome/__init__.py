"""A welcome for new panellists: "Join in", the welcome page, the code of conduct, and each
person's record of how to reach them and what they need (staff only)."""

from flask import Blueprint

bp = Blueprint("welcome", __name__)


def blueprint() -> Blueprint:
    """The blueprint with the area's pages on it: their modules load on the first call."""
    from panel.welcome import join_views, people_views, views  # noqa: F401

    return bp
