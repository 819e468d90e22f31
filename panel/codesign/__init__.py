"""Co-design of the criteria: propose, discuss, support, fix boundaries, share weights, adopt."""

from flask import Blueprint

bp = Blueprint("codesign", __name__)

from panel.codesign import views  # noqa: E402, F401
