"""Objects of the grants area for the access tests: see tests/panel/test_access.py."""

from typing import Any

from panel.extensions import db
from panel.models import Grant, GrantPhoto, GrantReport
from panel.models.types import uk_today, utcnow
from tests import pictures
from tests.factories import gen_application, gen_decision


def extras(world: dict[str, Any]) -> dict[str, Any]:
    """An award with no offer yet (the offer page), and an accepted grant with a sent report
    and its photo (the grant, review and photo pages)."""
    round_, staff = world["round"], world["staff"]
    waiting = gen_application(round_, location="Beeston")
    gen_decision(waiting, staff)
    offered = gen_application(round_, location="Holbeck")
    decision = gen_decision(offered, staff)
    grant = Grant(
        round_id=round_.id,
        application_id=offered.id,
        decision_id=decision.id,
        amount_pence=decision.amount_awarded_pence,
        report_due_on=uk_today(),
        accepted_name="Bea",
        accepted_role="Chair",
        accepted_at=utcnow(),
    )
    db.session.add(grant)
    db.session.flush()
    report = GrantReport(grant_id=grant.id, what_happened="It went well.", people_count=3)
    db.session.add(report)
    db.session.flush()
    photo = GrantPhoto(
        report_id=report.id,
        content_type="image/png",
        size=len(pictures.png()),
        content=pictures.png(),
    )
    db.session.add(photo)
    db.session.commit()
    return {
        "application_id": waiting.id,
        "grant_id": grant.id,
        "photo_id": photo.id,
        "purpose": "report",
    }
