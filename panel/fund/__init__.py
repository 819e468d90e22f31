"""Fund settings: what staff write once for the whole fund (the welcome, the code of conduct,
how long tasks take), on one settings page that later issues add sections to."""

from flask import Blueprint

bp = Blueprint("fund", __name__)


def blueprint() -> Blueprint:
    """The blueprint with the area's pages on it: their modules load on the first call."""
    from panel.fund import views  # noqa: F401

    return bp
