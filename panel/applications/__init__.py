"""Applications: the public form, staff's list and import, eligibility triage, personal data."""

from flask import Blueprint

bp = Blueprint("applications", __name__)

from panel.applications import (  # noqa: E402, F401
    draft_mail,
    form_views,
    import_views,
    public_views,
    views,
)
