"""Talking to people: the outbox (every message a row first), sending it by SMTP from the task
queue, the print queue and call list, and the wording of each kind of message."""

from flask import Blueprint

bp = Blueprint("messages", __name__)

from panel.messages import views  # noqa: E402, F401
