"""Signing in and out, choosing passwords, and staff managing people's accounts."""

from flask import Blueprint

bp = Blueprint("auth", __name__)


def blueprint() -> Blueprint:
    """The blueprint with the area's pages on it: their modules load on the first call."""
    from panel.auth import views  # noqa: F401

    return bp
