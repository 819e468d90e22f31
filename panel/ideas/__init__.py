"""Ideas for the fund (co-initiation): residents post what the fund should support, support and
discuss ideas between rounds; staff answer each one; rounds say which ideas they respond to."""

from flask import Blueprint

bp = Blueprint("ideas", __name__)

from panel.ideas import moderation_views, views  # noqa: E402, F401
