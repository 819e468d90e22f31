"""Signing in and out, choosing passwords, and staff managing people's accounts."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from panel.auth import views  # noqa: E402, F401
