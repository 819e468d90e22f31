"""Applications: receiving them (the public form, staff and imports), listing them, and
what panellists may see of one.

Staff's changes are in panel.applications.changes, eligibility triage in
panel.applications.eligibility. Audit rows never hold applicants' personal data (contact name,
email, phone, postcode): the log is append-only, so anything written there could never be erased
on request.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, or_
from sqlalchemy.exc import IntegrityError

from panel.audit import record, record_many
from panel.extensions import db
from panel.limits import lock
from panel.models import Application, ApplicationStatus, FundingRound, Stage, User
from panel.models.application import ApplicationAttempt
from panel.models.types import uk_today, utcnow
from panel.rounds.stages import form_open

RATE_LIMIT_PER_HOUR = 5


class ApplicationError(ValueError):
    """A refusal with a message fit to show to the person."""


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
    """The public form takes applications: the rule is `panel.rounds.stages.form_open`."""
    return form_open(round_, today)


def is_published(round_: FundingRound, today: date | None = None) -> bool:
    """The round's form has been public: it has reached Applications open and its opening date
    has come. Before that, nothing about the round (name, fund, dates) is shown to the public."""
    today = today or uk_today()
    if round_.current_stage.position < Stage.APPLICATIONS.position:
        return False
    if round_.current_stage is Stage.APPLICATIONS and round_.applications_open_on:
        return today >= round_.applications_open_on
    return True


def rate_limited(
    *, address: str, limit: int = RATE_LIMIT_PER_HOUR, content_hash: str | None = None
) -> bool:
    """True when this address has sent `limit` different applications in the last hour: the
    same answers sent again (`content_hash`, panel.applications.repeats) never count twice.

    The address's counter row stays locked until the transaction ends, so the count and the
    attempt noted after it are one step: simultaneous sends from one address take turns.
    """
    lock(f"apply:{address[:64]}")
    since = utcnow() - timedelta(hours=1)
    recent = (
        ApplicationAttempt.address == address[:64],
        ApplicationAttempt.at >= since,
    )
    without_hash: int = db.session.execute(
        db.select(func.count(ApplicationAttempt.id)).where(
            *recent, ApplicationAttempt.content_hash.is_(None)
        )
    ).scalar_one()
    hashes = {
        h
        for h in db.session.execute(
            db.select(ApplicationAttempt.content_hash)
            .where(*recent, ApplicationAttempt.content_hash.is_not(None))
            .distinct()
        ).scalars()
    }
    if content_hash in hashes:
        return False  # these answers were counted already
    return without_hash + len(hashes) >= limit


def note_attempt(*, address: str, content_hash: str | None = None) -> None:
    """Count one application (or a bot's) from this address towards the rate limit."""
    db.session.add(ApplicationAttempt(address=address[:64], content_hash=content_hash))


SUBMISSION_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


def is_submission_key(key: str) -> bool:
    """Whether `key` could be one the public form made: empty (none), or up to 64 URL-safe
    characters (the column's size). Anything else is refused before it reaches the database."""
    return not key or SUBMISSION_KEY.fullmatch(key) is not None


def by_submission_key(key: str | None) -> Application | None:
    """The application a submission key made, or None (an impossible key is never looked up)."""
    if not key or not is_submission_key(key):
        return None
    return db.session.execute(
        db.select(Application).where(Application.submission_key == key)
    ).scalar_one_or_none()


# --------------------------------------------------------------------------- creating


def audit_snapshot(application: Application) -> dict[str, Any]:
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


def _like_literal(text: str) -> str:
    """`text` for a LIKE pattern, matched literally (escape character: backslash)."""
    return text.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")


def _reference_start(round_: FundingRound) -> str:
    return f"{round_.reference_prefix}-"


def reference_for(round_: FundingRound, number: int) -> str:
    """An application's reference: the round's prefix and a four-digit number, like CF26-0007."""
    return f"{_reference_start(round_)}{number:04d}"


def _next_number(round_: FundingRound) -> int:
    # References are unique across rounds, so numbers also skip past any other round that
    # shares this round's prefix.
    prefix = _reference_start(round_)
    highest = db.session.execute(
        db.select(func.max(Application.number)).where(
            or_(
                Application.round_id == round_.id,
                Application.reference.like(_like_literal(prefix) + "%", escape="\\"),
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
            reference=reference_for(round_, number),
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
            after=audit_snapshot(application),
        )
        return application
    raise ApplicationError("We could not save the application just now. Please try again.")


def create_imported(
    *,
    round_: FundingRound,
    rows: Sequence[tuple[int, dict[str, Any]]],
    import_id: int,
    actor: User | None,
    attempts: int = 5,
) -> list[Application]:
    """Add one application per (spreadsheet row, values), numbered on from the round's highest,
    in one statement, each with its audit row (policy: staff). Returns them in number order.

    Like create_application, the unique constraints are the guard and a clash with a concurrent
    submission numbers them all again; (import_id, row) is unique too, so a row of an upload can
    never be added twice.
    """
    for _ in range(attempts):
        first = _next_number(round_)
        values = [
            {
                "round_id": round_.id,
                "number": first + n,
                "reference": reference_for(round_, first + n),
                "source": "import",
                "status": ApplicationStatus.RECEIVED,
                "import_id": import_id,
                "import_row": row,
                **answers,
            }
            for n, (row, answers) in enumerate(rows)
        ]
        try:
            with db.session.begin_nested():
                if values:
                    db.session.execute(insert(Application), values)
        except IntegrityError:
            continue
        created = list(
            db.session.execute(
                db.select(Application)
                .where(Application.import_id == import_id)
                .order_by(Application.number)
            ).scalars()
        )
        record_many(
            {
                "actor": actor,
                "action": "application.added",
                "object_type": "application",
                "object_id": application.id,
                "round_id": round_.id,
                "after": audit_snapshot(application),
            }
            for application in created
        )
        return created
    raise ApplicationError("We could not save the applications just now. Please try again.")


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
        like = "%" + _like_literal(words) + "%"
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
