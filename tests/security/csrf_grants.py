"""The grants area's part of the CSRF world (tests/security/csrf_world.py): an awarded round
with a grant at each step a POST route acts on, and the group's private links."""

from typing import Any

from panel.extensions import db
from panel.grants import links
from panel.models import Grant, GrantReport, User
from panel.models.types import uk_today, utcnow
from tests.worlds import gen_awarded_round


def _grant(world: dict[str, Any], letter: str, staff: User, *, accepted: bool) -> Grant:
    decision = world["decisions"][letter]
    grant = Grant(
        round_id=world["round"].id,
        application_id=world["apps"][letter].id,
        decision_id=decision.id,
        amount_pence=decision.amount_awarded_pence,
        report_due_on=uk_today(),
        offered_by_id=staff.id,
    )
    if accepted:
        grant.accepted_name, grant.accepted_role, grant.accepted_at = "Bea", "Chair", utcnow()
    db.session.add(grant)
    db.session.flush()
    return grant


def build_grants(staff: User) -> dict[str, Any]:
    """Grants at each step a route acts on, in three awarded rounds:
    - "round": its award "A" has no offer yet (the offer route), "B" an offer the group accepts
      through its link;
    - "later": "A" accepted (a payment; the group's report link), "B" accepted with its report
      sent (the review);
    - "third": "A" offered, for which staff make a new accept link.
    """
    first = gen_awarded_round(staff, slug="grants-first")
    later = gen_awarded_round(staff, slug="grants-later")
    third = gen_awarded_round(staff, slug="grants-third")
    to_accept = _grant(first, "B", staff, accepted=False)
    to_link = _grant(third, "A", staff, accepted=False)
    to_pay = _grant(later, "A", staff, accepted=True)
    to_review = _grant(later, "B", staff, accepted=True)
    db.session.add(
        GrantReport(
            grant_id=to_review.id,
            what_happened="We walked.",
            people_count=12,
            story="A walk.",
            spending="Boots.",
            spent_pence=100,
        )
    )
    db.session.flush()
    accept = links.issue_link(grant=to_accept, purpose="accept", actor=staff)
    report = links.issue_link(grant=to_pay, purpose="report", actor=staff)
    db.session.commit()
    return {
        "round": first["round"],
        "later": later["round"],
        "to_offer": first["apps"]["A"],
        "to_accept": to_accept,
        "third": third["round"],
        "to_link": to_link,
        "to_pay": to_pay,
        "to_review": to_review,
        "accept_url": accept.url.removeprefix("http://localhost"),
        "report_url": report.url.removeprefix("http://localhost"),
    }
