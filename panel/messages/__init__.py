"""Talking to people: the outbox (every message a row first), sending it by SMTP from the task
queue, the print queue and call list, and the wording of each kind of message."""

from flask import Blueprint

bp = Blueprint("messages", __name__)


def blueprint() -> Blueprint:
    """The blueprint with the area's pages on it: their modules load on the first call."""
    from panel.messages import views  # noqa: F401

    return bp
