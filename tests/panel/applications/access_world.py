"""Objects of the applications area for the access tests: see tests/panel/test_access.py."""

from typing import Any

from panel.applications import attachments
from panel.applications import extras as form_extras
from panel.extensions import db
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
    staff = world["staff"]
    question = form_extras.add_question(
        round_=round_, label="Access question", kind="short_text", required=False, actor=staff
    )
    document = form_extras.add_document(
        round_=round_, label="Access document", required=False, actor=staff
    )
    file = attachments.keep(
        round_=round_,
        checked={document.id: attachments.check_file("a.pdf", b"%PDF-1.4\n%%EOF\n")},
        application=gen_received_application(round_, status="eligible"),
    )[0]
    db.session.commit()
    return {
        "application_id": application.id,
        "slug": round_.slug,
        "import_id": upload.id,
        "question_id": question.id,
        "document_id": document.id,
        "attachment_id": file.id,
    }
