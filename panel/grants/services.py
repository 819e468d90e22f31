"""Grant offers for confirmed awards, their acceptance through a private link, and payments.

A grant exists only for a confirmed "fund" or "fund in part" decision (read through the
decision's `outcome` and `amount_awarded_pence`). Its amount is at most the award; its
conditions start from the round's standard conditions and may be changed per grant until the
group accepts. Payments never pass the grant's amount.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func

from panel.audit import changes, record
from panel.extensions import db
from panel.grants.links import use
from panel.models import (
    Application,
    Decision,
    FundingRound,
    Grant,
    GrantLink,
    GrantPayment,
    GrantReport,
    GrantTerms,
    Outcome,
    User,
)
from panel.models.types import uk_today, utcnow
from panel.money import format_pence

FUNDED = (Outcome.FUND.value, Outcome.PART.value)


class GrantError(ValueError):
    """A refusal with a message fit to show; `problems` lists (field, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems[0][1])
        self.problems = problems


class StaleGrant(GrantError):
    def __init__(self) -> None:
        super().__init__(
            [
                (
                    "form",
                    "Someone else changed this grant while you had the page open. Check it "
                    "and try again.",
                )
            ]
        )


@dataclass(frozen=True)
class Award:
    """A confirmed award of a round, with its grant once offered and what has been paid."""

    application: Application
    decision: Decision
    grant: Grant | None
    paid_pence: int
    report: GrantReport | None

    @property
    def remaining_pence(self) -> int:
        return (self.grant.amount_pence if self.grant else 0) - self.paid_pence

    @property
    def state(self) -> str:
        """Where the grant is, in words for staff."""
        if self.grant is None:
            return "No offer yet"
        if self.grant.accepted_at is None:
            return "Offered, not yet accepted"
        if self.report is not None:
            return {
                "submitted": "Report sent, to review",
                "more_needed": "More asked for in the report",
                "accepted": "Report accepted",
            }[self.report.status]
        if self.paid_pence >= self.grant.amount_pence:
            return "Paid in full, report to come"
        return "Accepted"


@dataclass(frozen=True)
class OfferValues:
    amount_pence: int
    conditions: str
    planned_start: date | None
    planned_end: date | None
    report_due_on: date


def awards(round_id: int) -> list[Award]:
    """The round's confirmed awards by reference, each with its grant, paid total and report
    (three queries whatever the number)."""
    rows = db.session.execute(
        db.select(Application, Decision, Grant, GrantReport)
        .join(Decision, Decision.application_id == Application.id)
        .outerjoin(Grant, Grant.application_id == Application.id)
        .outerjoin(GrantReport, GrantReport.grant_id == Grant.id)
        .where(
            Decision.round_id == round_id,
            Decision.status == "confirmed",
            Decision.outcome.in_(FUNDED),
        )
        .order_by(Application.reference)
    ).all()
    paid = paid_totals([g.id for _, _, g, _ in rows if g is not None])
    return [Award(a, d, g, paid.get(g.id, 0) if g is not None else 0, r) for a, d, g, r in rows]


def paid_totals(grant_ids: list[int]) -> dict[int, int]:
    """Pence paid so far per grant."""
    if not grant_ids:
        return {}
    return {
        grant_id: int(total)
        for grant_id, total in db.session.execute(
            db.select(GrantPayment.grant_id, func.sum(GrantPayment.amount_pence))
            .where(GrantPayment.grant_id.in_(grant_ids))
            .group_by(GrantPayment.grant_id)
        ).all()
    }


def award_for(round_: FundingRound, application_id: int) -> Award | None:
    """One confirmed award of the round, or None."""
    return next((a for a in awards(round_.id) if a.application.id == application_id), None)


def terms(round_id: int) -> GrantTerms | None:
    return db.session.get(GrantTerms, round_id)


def standard_conditions(round_id: int) -> str:
    found = terms(round_id)
    return found.conditions if found is not None else ""


def _terms_for_change(round_: FundingRound, actor: User) -> GrantTerms:
    found = terms(round_.id)
    if found is None:
        found = GrantTerms(round_id=round_.id, conditions="", funded_published=False, version=0)
        db.session.add(found)
    found.version = (found.version or 0) + 1
    found.updated_by_id = actor.id
    found.updated_at = utcnow()
    return found


def save_conditions(*, round_: FundingRound, conditions: str, actor: User) -> bool:
    """Staff write the round's standard grant conditions (each new offer starts from them)."""
    clean = conditions.strip()
    if clean == standard_conditions(round_.id):
        return False
    found = _terms_for_change(round_, actor)
    found.conditions = clean
    db.session.flush()
    record(
        actor=actor,
        action="grant.conditions_changed",
        object_type="round",
        object_id=round_.id,
        round_id=round_.id,
        after={"conditions": clean},
    )
    return True


def set_published(*, round_: FundingRound, published: bool, actor: User) -> None:
    """Staff publish (or take down) the round's public "What we funded" page."""
    found = _terms_for_change(round_, actor)
    found.funded_published = published
    found.published_at = utcnow() if published else None
    db.session.flush()
    record(
        actor=actor,
        action="grant.funded_published" if published else "grant.funded_unpublished",
        object_type="round",
        object_id=round_.id,
        round_id=round_.id,
    )


def _check_offer(values: OfferValues, award: Award) -> None:
    problems = []
    if values.amount_pence <= 0:
        problems.append(("amount", "Enter the amount of the grant, more than £0"))
    elif values.amount_pence > award.decision.amount_awarded_pence:
        problems.append(
            (
                "amount",
                "The grant cannot be more than the award of "
                f"{format_pence(award.decision.amount_awarded_pence)}",
            )
        )
    if values.planned_start and values.planned_end and values.planned_end < values.planned_start:
        problems.append(("planned_end", "The project must end on or after the day it starts"))
    if values.planned_end and values.report_due_on < values.planned_end:
        problems.append(("report_due_on", "The report must be due on or after the project ends"))
    if problems:
        raise GrantError(problems)


def save_offer(
    *, round_: FundingRound, award: Award, values: OfferValues, expected_version: int, actor: User
) -> Grant:
    """Staff make the offer for an award, or change it while the group has not accepted."""
    _check_offer(values, award)
    grant = award.grant
    if (grant.version if grant is not None else 0) != expected_version:
        raise StaleGrant()
    if grant is not None and grant.accepted_at is not None:
        raise GrantError([("form", "The group has accepted this offer: it can no longer change.")])
    before = _offer_dict(grant) if grant is not None else {}
    if grant is None:
        grant = Grant(
            round_id=round_.id,
            application_id=award.application.id,
            decision_id=award.decision.id,
            offered_by_id=actor.id,
            version=0,
        )
        db.session.add(grant)
    grant.amount_pence = values.amount_pence
    grant.conditions = values.conditions.strip()
    grant.planned_start = values.planned_start
    grant.planned_end = values.planned_end
    grant.report_due_on = values.report_due_on
    grant.offered_at = utcnow()
    grant.version = (grant.version or 0) + 1
    db.session.flush()
    old, new = changes(before, _offer_dict(grant))
    record(
        actor=actor,
        action="grant.offer_changed" if before else "grant.offered",
        object_type="grant",
        object_id=grant.id,
        round_id=round_.id,
        before=old or None,
        after=new,
    )
    return grant


def _offer_dict(grant: Grant) -> dict[str, object]:
    return {
        "amount_pence": grant.amount_pence,
        "conditions": grant.conditions,
        "planned_start": grant.planned_start.isoformat() if grant.planned_start else None,
        "planned_end": grant.planned_end.isoformat() if grant.planned_end else None,
        "report_due_on": grant.report_due_on.isoformat(),
    }


def accept_offer(*, link: GrantLink, grant: Grant, name: str, role: str) -> None:
    """The group accepts the offer through its link: who accepted, their role, and when."""
    problems = []
    if not name.strip():
        problems.append(("name", "Enter your full name"))
    if not role.strip():
        problems.append(("role", "Enter your role in the group, like Treasurer"))
    if problems:
        raise GrantError(problems)
    if grant.accepted_at is not None:
        raise GrantError([("form", "This offer has already been accepted.")])
    grant.accepted_name = name.strip()
    grant.accepted_role = role.strip()
    grant.accepted_at = utcnow()
    use(link)
    db.session.flush()
    record(
        actor=None,
        action="grant.accepted",
        object_type="grant",
        object_id=grant.id,
        round_id=grant.round_id,
        after={"accepted_role": grant.accepted_role},
    )


def record_payment(
    *, grant: Grant, amount_pence: int, paid_on: date, reference: str, actor: User
) -> GrantPayment:
    """Staff record a payment of an accepted grant; the total paid never passes the grant."""
    if grant.accepted_at is None:
        raise GrantError([("form", "Record payments once the group has accepted the offer.")])
    remaining = grant.amount_pence - paid_totals([grant.id]).get(grant.id, 0)
    if amount_pence <= 0:
        raise GrantError([("amount", "Enter the amount paid, more than £0")])
    if amount_pence > remaining:
        raise GrantError(
            [("amount", f"Only {format_pence(remaining)} of the grant is left to pay")]
        )
    if paid_on > uk_today():
        raise GrantError([("paid_on", "Enter the date it was paid: it cannot be in the future")])
    payment = GrantPayment(
        grant_id=grant.id,
        amount_pence=amount_pence,
        paid_on=paid_on,
        reference=reference.strip(),
        recorded_by_id=actor.id,
    )
    db.session.add(payment)
    db.session.flush()
    record(
        actor=actor,
        action="grant.payment_recorded",
        object_type="grant",
        object_id=grant.id,
        round_id=grant.round_id,
        after={
            "amount_pence": amount_pence,
            "paid_on": paid_on.isoformat(),
            "reference": reference,
        },
    )
    return payment


def payments(grant_id: int) -> list[GrantPayment]:
    return list(
        db.session.execute(
            db.select(GrantPayment)
            .where(GrantPayment.grant_id == grant_id)
            .order_by(GrantPayment.paid_on, GrantPayment.id)
        ).scalars()
    )
