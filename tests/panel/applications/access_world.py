"""Objects of the applications area for the access tests: see tests/panel/test_access.py."""

from typing import Any

from tests.factories import gen_import, gen_received_application
from tests.panel.applications.conftest import HEADERS, sheet_row


def extras(world: dict[str, Any]) -> dict[str, Any]:
    """Create this area's objects in world["round"]; return a value for each URL argument."""
    round_ = world["round"]
    application = gen_received_application(
        round_,
        source="staff",
        organisation_name="Access Test Group",
        contact_name="Private Person",
        contact_email="private.person@example.org",
        project_title="Access test project",
    )
    upload = gen_import(round_, world["staff"], headers=HEADERS, rows=[sheet_row()])
    return {"application_id": application.id, "slug": round_.slug, "import_id": upload.id}
