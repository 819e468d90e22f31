"""Co-production: the involvement record, expenses and payments, staff time, panel meetings'
registers, and what a round's co-production took and gave (the cost-of-co-production report)."""

from flask import Blueprint

bp = Blueprint("coproduction", __name__)


def blueprint() -> Blueprint:
    """The blueprint with the area's pages on it: their modules load on the first call."""
    from panel.coproduction import views  # noqa: F401

    return bp
