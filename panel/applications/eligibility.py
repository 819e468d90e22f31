"""Eligibility triage: staff check each application against the rubric's eligibility criteria.

Importing this module registers its stage checks: a round enters the Eligibility check with
applications to check, and Scoring only once every one is checked and one is eligible.
"""

from typing import Any

from sqlalchemy import func

from panel.applications.services import ApplicationError
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
from panel.models.types import utcnow
from panel.rounds.moves import step_back_check
from panel.rounds.services import stage_check
from panel.rubrics import current_rubric


class EligibilityClosed(ApplicationError):
    """The round is not at the Eligibility check stage, so nothing was recorded."""


def eligibility_open(round_: FundingRound) -> bool:
    """Staff record eligibility only while the round is at the Eligibility check stage."""
    return round_.current_stage is Stage.ELIGIBILITY


def eligibility_over(round_: FundingRound) -> bool:
    """The round is past the Eligibility check: its decisions are fixed."""
    return round_.current_stage.position > Stage.ELIGIBILITY.position


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


def checks_of(application: Application) -> dict[int, EligibilityCheck]:
    """{rubric criterion id: check} for one application."""
    return {check.rubric_criterion_id: check for check in application.checks}


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
    if not eligibility_open(round_):
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
    existing = checks_of(application)
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
    checks: dict[int, EligibilityCheck], criteria: list[RubricCriterion]
) -> list[tuple[str, str]]:
    """(criterion title, note) for each criterion failed, in the rubric's order."""
    return [
        (c.title, checks[c.id].note or "")
        for c in criteria
        if c.id in checks and not checks[c.id].passed
    ]


def _count(round_: FundingRound, *statuses: str) -> int:
    count: int = db.session.execute(
        db.select(func.count(Application.id)).where(
            Application.round_id == round_.id, Application.status.in_(statuses)
        )
    ).scalar_one()
    return count


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


@step_back_check(Stage.APPLICATIONS)
def _nobody_applied_yet(round_: FundingRound) -> str | None:
    received = db.session.execute(
        db.select(func.count(Application.id)).where(Application.round_id == round_.id)
    ).scalar_one()
    if received:
        noun = "application has" if received == 1 else "applications have"
        return (
            f"{received} {noun} been received under these criteria, so the round cannot go back "
            "to Co-design."
        )
    return None


@step_back_check(Stage.ELIGIBILITY)
def _nothing_checked_yet(round_: FundingRound) -> str | None:
    checked = _count(round_, ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE)
    if checked:
        noun = "application has" if checked == 1 else "applications have"
        return (
            f"{checked} {noun} already been checked for eligibility, so applications cannot "
            "open again."
        )
    return None
