"""Funding rounds: the home page, setting up a round, its stages, its panel and its log."""

from flask import Blueprint

bp = Blueprint("rounds", __name__)

from panel.rounds import views  # noqa: E402, F401
