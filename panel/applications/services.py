"""Applications: receiving them, staff's changes, eligibility triage and personal data.

Audit rows never hold applicants' personal data (contact name, email, phone, postcode): the log
is append-only, so anything written there could never be erased on request.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError

from panel.applications.validation import PERSONAL_FIELDS
from panel.audit import changes, record
from panel.extensions import db
from panel.models import (
    Application,
    ApplicationStatus,
    EligibilityCheck,
    FundingRound,
    RubricCriterion,
    Stage,
    User,
)
from panel.models.application import ApplicationAttempt
from panel.models.types import uk_today, utcnow
from panel.rounds.services import stage_check
from panel.rubrics import current_rubric

NOT_LOGGED = "(personal data: not logged)"
RATE_LIMIT_PER_HOUR = 5


class ApplicationError(ValueError):
    """A refusal with a message fit to show to the person."""


class StaleEdit(ApplicationError):
    """The application changed since the form was opened; nothing was saved."""


class EligibilityClosed(ApplicationError):
    pass


STATUS_LABELS = {
    ApplicationStatus.RECEIVED: "Not checked yet",
    ApplicationStatus.ELIGIBLE: "Eligible",
    ApplicationStatus.INELIGIBLE: "Not eligible",
    ApplicationStatus.WITHDRAWN: "Withdrawn",
}
STATUS_COLOURS = {
    ApplicationStatus.RECEIVED: "blue",
    ApplicationStatus.ELIGIBLE: "green",
    ApplicationStatus.INELIGIBLE: "red",
    ApplicationStatus.WITHDRAWN: "grey",
}

# --------------------------------------------------------------------------- the public form


def is_open(round_: FundingRound, today: date | None = None) -> bool:
    """The public form takes applications: stage Applications open, and today within the dates."""
    today = today or uk_today()
    if round_.current_stage is not Stage.APPLICATIONS:
        return False
    if round_.applications_open_on and today < round_.applications_open_on:
        return False
    return not (round_.applications_close_on and today > round_.applications_close_on)


def rate_limited(*, address: str, limit: int = RATE_LIMIT_PER_HOUR) -> bool:
    """True when this address has sent `limit` applications in the last hour."""
    since = utcnow() - timedelta(hours=1)
    count = db.session.execute(
        db.select(func.count(ApplicationAttempt.id)).where(
            ApplicationAttempt.address == address[:64], ApplicationAttempt.at >= since
        )
    ).scalar_one()
    return count >= limit


def note_attempt(*, address: str) -> None:
    """Count one application (or a bot's) from this address towards the rate limit."""
    db.session.add(ApplicationAttempt(address=address[:64]))


def by_submission_key(key: str | None) -> Application | None:
    if not key:
        return None
    return db.session.execute(
        db.select(Application).where(Application.submission_key == key[:64])
    ).scalar_one_or_none()


# --------------------------------------------------------------------------- creating


def _public_snapshot(application: Application) -> dict[str, Any]:
    """What the audit log may hold about an application: everything but personal data."""
    return {
        "reference": application.reference,
        "organisation_name": application.organisation_name,
        "organisation_type": application.organisation_type,
        "charity_number": application.charity_number,
        "company_number": application.company_number,
        "project_title": application.project_title,
        "summary": application.summary,
        "spend_on": application.spend_on,
        "amount_requested_pence": application.amount_requested_pence,
        "beneficiaries": application.beneficiaries,
        "location": application.location,
        "status": application.status,
        "source": application.source,
    }


def _next_number(round_: FundingRound) -> int:
    # References are unique across rounds, so numbers also skip past any other round that
    # shares this round's prefix.
    prefix = f"{round_.reference_prefix}-"
    highest = db.session.execute(
        db.select(func.max(Application.number)).where(
            or_(
                Application.round_id == round_.id,
                Application.reference.like(prefix.replace("_", r"\_") + "%", escape="\\"),
            )
        )
    ).scalar_one()
    return (highest or 0) + 1


def create_application(
    *,
    round_: FundingRound,
    values: dict[str, Any],
    source: str,
    actor: User | None,
    submission_key: str | None = None,
    submitted_at: datetime | None = None,
    attempts: int = 5,
) -> Application:
    """Add an application with the next reference of the round (policy: public form or staff).

    The number is max + 1 inside the transaction; the unique constraints are the guard, and a
    clash with a concurrent submission is retried. A repeated `submission_key` returns the
    application that key already made.
    """
    for _ in range(attempts):
        number = _next_number(round_)
        application = Application(
            round_id=round_.id,
            number=number,
            reference=f"{round_.reference_prefix}-{number:04d}",
            source=source,
            submission_key=submission_key,
            status=ApplicationStatus.RECEIVED,
            **values,
        )
        if submitted_at is not None:
            application.submitted_at = submitted_at
            application.updated_at = submitted_at
        try:
            with db.session.begin_nested():
                db.session.add(application)
        except IntegrityError:
            existing = by_submission_key(submission_key)
            if existing is not None:
                return existing
            continue
        record(
            actor=actor,
            action="application.received" if source == "online" else "application.added",
            object_type="application",
            object_id=application.id,
            round_id=round_.id,
            after=_public_snapshot(application),
        )
        return application
    raise ApplicationError("We could not save the application just now. Please try again.")


# --------------------------------------------------------------------------- staff's list


SORTS = {
    "reference": (Application.number.asc(),),
    "organisation": (func.lower(Application.organisation_name).asc(), Application.number.asc()),
    "amount": (Application.amount_requested_pence.desc(), Application.number.asc()),
    "submitted": (Application.submitted_at.desc(), Application.number.desc()),
}


def list_applications(
    *, round_: FundingRound, search: str = "", status: str = "", sort: str = "reference"
) -> list[Application]:
    """The round's applications matching the search and status, in the chosen order."""
    query = db.select(Application).where(Application.round_id == round_.id)
    words = search.strip().lower()
    if words:
        like = "%" + words.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
        query = query.where(
            or_(
                func.lower(Application.organisation_name).like(like, escape="\\"),
                func.lower(Application.project_title).like(like, escape="\\"),
                func.lower(Application.reference).like(like, escape="\\"),
            )
        )
    if status in {s.value for s in ApplicationStatus}:
        query = query.where(Application.status == status)
    return list(db.session.execute(query.order_by(*SORTS.get(sort, SORTS["reference"]))).scalars())


def status_counts(round_: FundingRound) -> dict[str, int]:
    """How many of the round's applications are at each status (every status present)."""
    rows = db.session.execute(
        db.select(Application.status, func.count(Application.id))
        .where(Application.round_id == round_.id)
        .group_by(Application.status)
    ).all()
    counts = {s.value: 0 for s in ApplicationStatus}
    counts.update({status: count for status, count in rows})
    return counts


# --------------------------------------------------------------------------- changes


def _snapshot_for_edit(application: Application) -> dict[str, Any]:
    snap = _public_snapshot(application)
    for key in PERSONAL_FIELDS:
        snap[key] = getattr(application, key)
    return snap


def _mask(snapshot: dict[str, Any]) -> dict[str, Any]:
    return {k: NOT_LOGGED if k in PERSONAL_FIELDS else v for k, v in snapshot.items()}


def update_application(
    *, application: Application, values: dict[str, Any], expected_version: int, actor: User
) -> bool:
    """Staff change an application's answers (policy: staff); audited, refused when stale."""
    if application.version != expected_version:
        raise StaleEdit(
            "Someone else saved changes to this application after you opened it, so your "
            "changes have not been saved. Check what is saved now and make your changes again."
        )
    if application.personal_data_erased_at is not None:
        values = {k: v for k, v in values.items() if k not in PERSONAL_FIELDS}
    before = _snapshot_for_edit(application)
    for key, value in values.items():
        setattr(application, key, value)
    old, new = changes(before, _snapshot_for_edit(application))
    if not new:
        return False
    application.version += 1
    application.updated_at = utcnow()
    record(
        actor=actor,
        action="application.updated",
        object_type="application",
        object_id=application.id,
        round_id=application.round_id,
        before=_mask(old),
        after=_mask(new),
    )
    return True


def withdraw(*, application: Application, reason: str, actor: User) -> None:
    """Withdraw an application (policy: staff). It is kept, never deleted."""
    reason = reason.strip()
    if not reason:
        raise ApplicationError("Enter the reason the application is being withdrawn")
    if application.status == ApplicationStatus.WITHDRAWN:
        raise ApplicationError("This application has already been withdrawn")
    before = {"status": application.status}
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = utcnow()
    application.withdrawn_reason = reason
    application.version += 1
    application.updated_at = utcnow()
    record(
        actor=actor,
        action="application.withdrawn",
        object_type="application",
        object_id=application.id,
        round_id=application.round_id,
        before=before,
        after={"status": application.status, "reason": reason},
    )


def erase_personal_data(*, application: Application, actor: User) -> list[str]:
    """Erase the applicant's contact details on request (policy: staff).

    The answers about the project, its scores and the decision stay. The log records which
    fields were erased, never their values.
    """
    if application.personal_data_erased_at is not None:
        raise ApplicationError("This application's personal data has already been erased")
    erased = [key for key in PERSONAL_FIELDS if getattr(application, key) is not None]
    for key in PERSONAL_FIELDS:
        setattr(application, key, None)
    application.personal_data_erased_at = utcnow()
    application.version += 1
    application.updated_at = utcnow()
    record(
        actor=actor,
        action="application.personal_data_erased",
        object_type="application",
        object_id=application.id,
        round_id=application.round_id,
        after={"fields_erased": erased},
    )
    return erased


# --------------------------------------------------------------------------- for panellists


@dataclass(frozen=True)
class PanelSummary:
    """What a panellist may see of an application: never the contact details."""

    id: int
    reference: str
    organisation_name: str
    organisation_type: str
    project_title: str
    summary: str
    spend_on: str
    amount_requested_pence: int
    beneficiaries: int | None
    location: str


def panellist_view(application: Application) -> PanelSummary:
    """The application without its personal data, for pages panellists open."""
    return PanelSummary(
        id=application.id,
        reference=application.reference,
        organisation_name=application.organisation_name,
        organisation_type=application.organisation_type_label,
        project_title=application.project_title,
        summary=application.summary,
        spend_on=application.spend_on,
        amount_requested_pence=application.amount_requested_pence,
        beneficiaries=application.beneficiaries,
        location=application.location,
    )


# --------------------------------------------------------------------------- eligibility


def eligibility_criteria(round_: FundingRound) -> list[RubricCriterion]:
    """The adopted rubric's eligibility criteria (empty before adoption or when it has none)."""
    rubric = current_rubric(round_)
    return list(rubric.eligibility) if rubric is not None else []


def checks_by_application(round_: FundingRound) -> dict[int, dict[int, EligibilityCheck]]:
    """{application id: {rubric criterion id: check}} for the round, in one query."""
    rows = db.session.execute(
        db.select(EligibilityCheck)
        .join(Application, EligibilityCheck.application_id == Application.id)
        .where(Application.round_id == round_.id)
    ).scalars()
    out: dict[int, dict[int, EligibilityCheck]] = {}
    for check in rows:
        out.setdefault(check.application_id, {})[check.rubric_criterion_id] = check
    return out


def _status_from(checks: dict[int, EligibilityCheck], criteria: list[RubricCriterion]) -> str:
    relevant = [checks.get(c.id) for c in criteria]
    if any(c is not None and not c.passed for c in relevant):
        return ApplicationStatus.INELIGIBLE
    if relevant and all(c is not None and c.passed for c in relevant):
        return ApplicationStatus.ELIGIBLE
    return ApplicationStatus.RECEIVED


def _check_snapshot(
    application: Application, checks: dict[int, EligibilityCheck], criteria: list[RubricCriterion]
) -> dict[str, Any]:
    snap: dict[str, Any] = {"status": application.status}
    for criterion in criteria:
        check = checks.get(criterion.id)
        if check is None:
            snap[criterion.title] = "not checked"
        else:
            snap[criterion.title] = "pass" if check.passed else f"fail: {check.note}"
    return snap


def _refuse_unless_checking(application: Application, round_: FundingRound) -> None:
    if round_.current_stage is not Stage.ELIGIBILITY:
        raise EligibilityClosed(
            "Eligibility can only be recorded while the round is at the Eligibility check stage."
        )
    if application.status == ApplicationStatus.WITHDRAWN:
        raise ApplicationError("This application has been withdrawn, so it is not checked")


def record_checks(
    *,
    application: Application,
    round_: FundingRound,
    results: dict[int, tuple[bool, str | None]],
    actor: User,
) -> str:
    """Record pass or fail against each eligibility criterion (policy: staff); returns the status.

    A fail needs a note. Failing any criterion makes the application ineligible; passing all
    makes it eligible. Changing an earlier decision is the same call, audited before/after.
    """
    _refuse_unless_checking(application, round_)
    criteria = eligibility_criteria(round_)
    if not criteria:
        raise ApplicationError("This round's rubric has no eligibility criteria to check")
    existing = {c.rubric_criterion_id: c for c in application.checks}
    before = _check_snapshot(application, existing, criteria)
    now = utcnow()
    for criterion in criteria:
        if criterion.id not in results:
            continue
        passed, note = results[criterion.id]
        note = (note or "").strip() or None
        if not passed and not note:
            raise ApplicationError(f"Explain why the application does not meet “{criterion.title}”")
        check = existing.get(criterion.id)
        if check is None:
            check = EligibilityCheck(
                application_id=application.id,
                rubric_criterion_id=criterion.id,
                passed=passed,
                note=note,
                checked_by_id=actor.id,
                checked_at=now,
            )
            db.session.add(check)
            application.checks.append(check)
            existing[criterion.id] = check
        elif (check.passed, check.note) != (passed, note):
            check.passed, check.note = passed, note
            check.checked_by_id, check.checked_at = actor.id, now
    application.status = _status_from(existing, criteria)
    old, new = changes(before, _check_snapshot(application, existing, criteria))
    if new:
        application.version += 1
        application.updated_at = now
        record(
            actor=actor,
            action="application.eligibility_checked",
            object_type="application",
            object_id=application.id,
            round_id=round_.id,
            before=old,
            after=new,
        )
    return application.status


def confirm_eligible(*, application: Application, round_: FundingRound, actor: User) -> None:
    """Confirm an application as eligible where the rubric has no eligibility criteria (staff)."""
    _refuse_unless_checking(application, round_)
    if eligibility_criteria(round_):
        raise ApplicationError("Check this application against each eligibility criterion")
    if application.status == ApplicationStatus.ELIGIBLE:
        return
    before = {"status": application.status}
    application.status = ApplicationStatus.ELIGIBLE
    application.version += 1
    application.updated_at = utcnow()
    record(
        actor=actor,
        action="application.eligibility_checked",
        object_type="application",
        object_id=application.id,
        round_id=round_.id,
        before=before,
        after={"status": application.status},
    )


def failed_reasons(
    application: Application, criteria: list[RubricCriterion]
) -> list[tuple[str, str]]:
    """(criterion title, note) for each criterion the application failed."""
    by_id = {c.rubric_criterion_id: c for c in application.checks}
    return [
        (c.title, by_id[c.id].note or "")
        for c in criteria
        if c.id in by_id and not by_id[c.id].passed
    ]


def _count(round_: FundingRound, *statuses: str) -> int:
    return db.session.execute(
        db.select(func.count(Application.id)).where(
            Application.round_id == round_.id, Application.status.in_(statuses)
        )
    ).scalar_one()


@stage_check(Stage.ELIGIBILITY)
def _has_applications(round_: FundingRound) -> str | None:
    live = (ApplicationStatus.RECEIVED, ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE)
    if _count(round_, *live) == 0:
        return "There are no applications to check yet."
    return None


@stage_check(Stage.SCORING)
def _every_application_checked(round_: FundingRound) -> str | None:
    waiting = _count(round_, ApplicationStatus.RECEIVED)
    if waiting:
        noun = "application has" if waiting == 1 else "applications have"
        return f"{waiting} {noun} not been checked yet."
    if _count(round_, ApplicationStatus.ELIGIBLE) == 0:
        return "No application has been found eligible, so there is nothing for the panel to score."
    return None
