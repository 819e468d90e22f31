"""Applications: the public form, staff's list and import, eligibility triage, personal data."""

from flask import Blueprint

bp = Blueprint("applications", __name__)


def blueprint() -> Blueprint:
    """The blueprint with the area's pages on it: their modules load on the first call."""
    from panel.applications import (  # noqa: F401
        draft_mail,
        form_views,
        import_views,
        public_views,
        views,
    )

    return bp
