"""Applications: the public form, staff's list and import, eligibility triage, personal data."""

from flask import Blueprint

bp = Blueprint("applications", __name__)

from panel.applications import form_views, import_views, public_views, views  # noqa: E402, F401
