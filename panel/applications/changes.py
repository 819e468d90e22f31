"""Staff's changes to an application: editing its answers, withdrawing it, erasing personal data.

The log records what changed but never applicants' personal data: it is append-only, so anything
written there could never be erased on request.
"""

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from panel.applications.services import ApplicationError, audit_snapshot
from panel.applications.validation import PERSONAL_FIELDS
from panel.audit import changes, record
from panel.extensions import db
from panel.models import Application, ApplicationStatus, Message, User
from panel.models.types import utcnow

NOT_LOGGED = "(personal data: not logged)"

# What else must forget an applicant's personal data when it is erased. This area cannot know
# (areas above it keep copies: the results area stores finished export files), and it imports
# no area above it, so those areas register a step here, as they register stage checks with
# rounds; the app factory imports every area, so every step is registered before a request.
# A step runs in the erasure's transaction and returns what it did, for the erasure's audit
# record (never any personal data).
ErasureStep = Callable[[Application], dict[str, Any]]
ERASURE_STEPS: list[ErasureStep] = []


def erasure_step(step: ErasureStep) -> ErasureStep:
    """Register a step that runs whenever an applicant's personal data is erased."""
    ERASURE_STEPS.append(step)
    return step


class StaleEdit(ApplicationError):
    """The application changed since the form was opened; nothing was saved."""


def _snapshot_for_edit(application: Application) -> dict[str, Any]:
    snap = audit_snapshot(application)
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
    """Erase the applicant's contact details on request (policy: staff), and every copy the
    registered erasure steps know of (stored export files).

    The answers about the project, its scores and the decision stay. The log records which
    fields were erased and what each step did, never the values.
    """
    if application.personal_data_erased_at is not None:
        raise ApplicationError("This application's personal data has already been erased")
    erased = [key for key in PERSONAL_FIELDS if getattr(application, key) is not None]
    for key in PERSONAL_FIELDS:
        setattr(application, key, None)
    application.personal_data_erased_at = utcnow()
    application.version += 1
    application.updated_at = utcnow()
    after: dict[str, Any] = {"fields_erased": erased}
    for step in ERASURE_STEPS:
        after.update(step(application))
    record(
        actor=actor,
        action="application.personal_data_erased",
        object_type="application",
        object_id=application.id,
        round_id=application.round_id,
        after=after,
    )
    return erased


ERASED_MESSAGE = "Not sent: the applicant's personal data was erased."


@erasure_step
def forget_messages(application: Application) -> dict[str, Any]:
    """Messages to the applicant (acknowledgement, eligibility, decision letter) keep no name,
    address or words once their personal data is erased; one not yet sent never will be."""
    unsent = ("queued", "held", "to_print", "to_call", "failed")
    db.session.execute(
        sa.update(Message)
        .where(Message.application_id == application.id, Message.status.in_(unsent))
        .values(status="failed", last_error=ERASED_MESSAGE)
        .execution_options(synchronize_session=False)
    )
    emptied = db.session.execute(
        sa.update(Message)
        .where(Message.application_id == application.id)
        .values(
            to_name="", to_address="", subject="(erased)", body_text="", body_html="", link=None
        )
        .returning(Message.id)
        .execution_options(synchronize_session=False)
    ).scalars()
    return {"messages_emptied": sorted(emptied)}
