"""Co-design of the criteria: propose, discuss, support, fix boundaries, share weights, adopt."""

from flask import Blueprint

bp = Blueprint("codesign", __name__)


def blueprint() -> Blueprint:
    """The blueprint with the area's pages on it: their modules load on the first call."""
    from panel.codesign import views  # noqa: F401

    return bp
