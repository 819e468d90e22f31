"""Messages that follow from what people do, heard from the audit log (`panel.audit.on_record`).

Each message is queued in the same transaction as the audit row, so it exists exactly when the
action does. The areas causing them do not call this module: it listens, as the involvement
record does (docs/architecture.md). Password links are the exception: their token is never in
the audit log, so `panel.auth.services.issue_link` queues the invitation itself.
"""

from collections.abc import Callable
from typing import Any

from flask import current_app

from panel.audit import on_record
from panel.extensions import db
from panel.messages.outbox import To, queue_many, queue_message, to_user
from panel.models import (
    OUTCOME_LABELS,
    Application,
    AuditEvent,
    Criterion,
    CriterionKind,
    Decision,
    FundingRound,
    Message,
    Outcome,
    RoundMember,
    Stage,
    User,
)
from panel.models.types import uk_datetime
from panel.money import format_pence

STAGE_MESSAGES = {"scoring": "scoring_open", "panel": "results_ready", "decided": "decisions_made"}
# Co-design opens again when staff step a round back into it ("round.stage_stepped_back"); a
# round starts there before it has a panel, so "panel_added" is its first message. Weights open
# with the first scored criterion on the shortlist ("criterion.shortlisted").


def base_url() -> str:
    return str(current_app.config["PANEL_BASE_URL"]).rstrip("/")


def round_values(round_: FundingRound) -> dict[str, str]:
    """The placeholders every round message can use."""
    return {
        "round": round_.name,
        "fund": round_.fund_name,
        "deadline": uk_datetime(round_.scoring_deadline) if round_.scoring_deadline else "",
        "url": f"{base_url()}/rounds/{round_.id}",
    }


def members_of(round_id: int) -> list[User]:
    """The round's panel as it stands (active accounts only)."""
    return list(
        db.session.execute(
            db.select(User)
            .join(RoundMember, RoundMember.user_id == User.id)
            .where(
                RoundMember.round_id == round_id,
                RoundMember.removed_at.is_(None),
                User.active.is_(True),
            )
            .order_by(User.id)
        ).scalars()
    )


def to_applicant(application: Application) -> To:
    return To(
        name=application.contact_name or application.organisation_name,
        email=application.contact_email or "",
    )


def application_values(application: Application, round_: FundingRound) -> dict[str, str]:
    return {
        **round_values(round_),
        "reference": application.reference,
        "project": application.project_title,
        "organisation": application.organisation_name,
    }


def _applicant_message(kind: str, application: Application, actor: User | None) -> None:
    if application.personal_data_erased_at is not None:
        return
    round_ = db.session.get(FundingRound, application.round_id)
    assert round_ is not None
    queue_message(
        kind=kind,
        to=to_applicant(application),
        values=application_values(application, round_),
        actor=actor,
        round_id=round_.id,
        application_id=application.id,
    )


# Areas above this one add to the decision letter: each takes the confirmed decision and gives
# text for $feedback (results registers the panel comments staff reviewed and included).
LetterFeedback = Callable[[Decision], str]
LETTER_FEEDBACK: list[LetterFeedback] = []


def letter_feedback(source: LetterFeedback) -> LetterFeedback:
    """Register a source of the decision letter's $feedback."""
    LETTER_FEEDBACK.append(source)
    return source


def decision_values(decision: Decision) -> dict[str, str]:
    """The decision letter's placeholders, from the confirmed decision and its reviewed
    feedback."""
    outcome = OUTCOME_LABELS.get(Outcome(decision.outcome), decision.outcome)
    funded = decision.amount_awarded_pence > 0
    feedback = [text for source in LETTER_FEEDBACK if (text := source(decision).strip())]
    return {
        "feedback": "\n\n".join(feedback),
        "outcome": outcome,
        "amount": f"Amount awarded: {format_pence(decision.amount_awarded_pence)}"
        if funded
        else "",
        "reason": f"Reason: {decision.reason}" if decision.reason else "",
    }


def _heard(event: AuditEvent, actor: User | None) -> None:
    after: dict[str, Any] = event.after or {}
    action = event.action
    if action == "panel.member_added":
        user = db.session.get(User, after.get("user_id"))
        round_ = db.session.get(FundingRound, event.round_id)
        if user is not None and round_ is not None:
            queue_message(
                kind="panel_added",
                to=to_user(user),
                values=round_values(round_),
                actor=actor,
                round_id=round_.id,
            )
    elif action == "round.stage_changed" and after.get("stage") in STAGE_MESSAGES:
        _to_panel(STAGE_MESSAGES[after["stage"]], event.round_id, actor)
    elif action == "round.stage_stepped_back" and after.get("stage") == Stage.CODESIGN:
        _to_panel("codesign_open", event.round_id, actor)
    elif action == "criterion.shortlisted" and _weights_just_opened(event):
        _to_panel("weights_open", event.round_id, actor)
    elif action in ("application.received", "application.added"):
        application = db.session.get(Application, event.object_id)
        if application is not None:
            _applicant_message("acknowledgement", application, actor)
    elif action == "application.import_done":
        _acknowledge_import(event, after.get("references") or [], actor)
    elif action == "application.eligibility_checked":
        before: dict[str, Any] = event.before or {}
        if after.get("status") == "ineligible" and before.get("status") != "ineligible":
            application = db.session.get(Application, event.object_id)
            if application is not None:
                _applicant_message("ineligible", application, actor)
    elif action == "decision.confirmed":
        _decision_letter(event, actor)


def _to_panel(kind: str, round_id: int | None, actor: User | None) -> None:
    """One message of this kind to each member of the round's panel."""
    round_ = db.session.get(FundingRound, round_id)
    assert round_ is not None
    for user in members_of(round_.id):
        queue_message(
            kind=kind,
            to=to_user(user),
            values=round_values(round_),
            actor=actor,
            round_id=round_.id,
        )


def _weights_just_opened(event: AuditEvent) -> bool:
    """Whether this shortlisting opens the sharing of weights: a scored criterion shortlisted
    during Co-design, and the panel not yet told for this round (staff shortlist one criterion
    at a time, and may take one off and put it back)."""
    round_ = db.session.get(FundingRound, event.round_id)
    criterion = db.session.get(Criterion, event.object_id)
    if round_ is None or criterion is None or round_.current_stage is not Stage.CODESIGN:
        return False
    if criterion.kind != CriterionKind.SCORED:
        return False
    told = db.session.execute(
        db.select(Message.id)
        .where(Message.round_id == round_.id, Message.kind == "weights_open")
        .limit(1)
    ).first()
    return told is None


def _acknowledge_import(event: AuditEvent, references: list[str], actor: User | None) -> None:
    """Every imported application is acknowledged, in one INSERT (imports are 2,000 rows)."""
    round_ = db.session.get(FundingRound, event.round_id)
    if round_ is None or not references:
        return
    shown = round_values(round_)
    rows = db.session.execute(
        db.select(
            Application.id,
            Application.reference,
            Application.project_title,
            Application.organisation_name,
            Application.contact_name,
            Application.contact_email,
        ).where(Application.round_id == round_.id, Application.reference.in_(references))
    ).all()
    queue_many(
        kind="acknowledgement",
        round_id=round_.id,
        actor=actor,
        items=[
            (
                To(name=row.contact_name or row.organisation_name, email=row.contact_email or ""),
                row.id,
                {
                    **shown,
                    "reference": row.reference,
                    "project": row.project_title,
                    "organisation": row.organisation_name,
                },
            )
            for row in rows
        ],
    )


def _decision_letter(event: AuditEvent, actor: User | None) -> None:
    decision = db.session.execute(
        db.select(Decision).where(
            Decision.application_id == event.object_id, Decision.round_id == event.round_id
        )
    ).scalar_one_or_none()
    application = db.session.get(Application, event.object_id)
    if decision is None or application is None or application.personal_data_erased_at:
        return
    round_ = db.session.get(FundingRound, application.round_id)
    assert round_ is not None
    queue_message(
        kind="decision_letter",
        to=to_applicant(application),
        values={**application_values(application, round_), **decision_values(decision)},
        actor=actor,
        round_id=round_.id,
        application_id=application.id,
    )


def install() -> None:
    """Start listening (once)."""
    on_record(_heard)
