"""Objects of the applications area for the access tests: see tests/panel/test_access.py."""

from typing import Any

from panel.applications import services
from panel.extensions import db
from panel.models.application import ApplicationImport
from tests.panel.applications.conftest import HEADERS, sheet_row


def extras(world: dict[str, Any]) -> dict[str, Any]:
    """Create this area's objects in world["round"]; return a value for each URL argument."""
    round_ = world["round"]
    application = services.create_application(
        round_=round_,
        values={
            "organisation_name": "Access Test Group",
            "organisation_type": "community_group",
            "contact_name": "Private Person",
            "contact_email": "private.person@example.org",
            "postcode": "LS6 2AB",
            "project_title": "Access test project",
            "summary": "A project.",
            "amount_requested_pence": 50_000,
        },
        source="staff",
        actor=None,
    )
    upload = ApplicationImport(
        round_id=round_.id,
        filename="applications.csv",
        headers=HEADERS,
        rows=[{"row": 2, "cells": sheet_row()}],
        mapping={},
        created_by_id=world["staff"].id,
    )
    db.session.add(upload)
    db.session.commit()
    return {"application_id": application.id, "slug": round_.slug, "import_id": upload.id}
