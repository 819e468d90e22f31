"""Objects of the results area for the access tests: see tests/panel/test_access.py."""

from typing import Any

from panel.extensions import db
from panel.models import Application, ExportJob


def extras(world: dict[str, Any]) -> dict[str, Any]:
    """An eligible application in world["round"] for the results, meeting and decision pages."""
    app = Application(
        round_id=world["round"].id,
        number=900,
        reference="ACCESS-0900",
        organisation_name="Access Group",
        organisation_type="community_group",
        project_title="Access project",
        summary="s",
        amount_requested_pence=1000_00,
        status="eligible",
    )
    db.session.add(app)
    job = ExportJob(
        round_id=world["round"].id,
        requested_by_id=world["staff"].id,
        format="xlsx",
        status="done",
        filename="access.xlsx",
        content=b"PK",
    )
    db.session.add(job)
    db.session.commit()
    return {"application_id": app.id, "job_id": job.id, "fmt": "csv"}
