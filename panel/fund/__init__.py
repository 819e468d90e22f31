"""Fund settings: what staff write once for the whole fund (the welcome, the code of conduct,
how long tasks take), on one settings page that later issues add sections to."""

from flask import Blueprint

bp = Blueprint("fund", __name__)

from panel.fund import views  # noqa: E402, F401
