"""Co-production: the involvement record, expenses and payments, staff time, panel meetings'
registers, and what a round's co-production took and gave (the cost-of-co-production report)."""

from flask import Blueprint

bp = Blueprint("coproduction", __name__)

from panel.coproduction import views  # noqa: E402, F401
