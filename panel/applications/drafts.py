"""Save and return: a group saves what it has typed and gets a private link to finish later.

The link's token is single-purpose (it opens one draft of one round, nothing else), only its
SHA-256 is stored, and it stops working when the draft expires: at the end of the round's
closing day (or DRAFT_DAYS after saving, for a round with no closing date). Each save gives a
new link and the earlier one stops working. Expired drafts, and their files, are erased by
`erase_expired` (the `erase-expired-drafts` command; run it daily).

Another part of the app may email the link: it registers a sender with `link_sender`; without
one, the link is only shown on screen.
"""

import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from panel.applications.attachments import move_to_application
from panel.audit import record
from panel.extensions import db
from panel.limits import lock
from panel.models import Application, ApplicationDraft, Attachment, FundingRound
from panel.models.types import end_of_uk_day, utcnow

DRAFT_DAYS = 90
# Opening a draft link, or saving a draft, from one address: at most this many an hour.
VISITS_PER_HOUR = 30
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")

# Someone else (the email outbox) may send the link: (round, draft, email address, link) ->
# whether it was sent. Registered at import, like the erasure steps.
LinkSender = Callable[[FundingRound, ApplicationDraft, str, str], bool]
LINK_SENDERS: list[LinkSender] = []


def link_sender(sender: LinkSender) -> LinkSender:
    """Register a function that emails a saved draft's link to the address the group typed."""
    LINK_SENDERS.append(sender)
    return sender


def send_link(*, round_: FundingRound, draft: ApplicationDraft, email: str, link: str) -> bool:
    """Offer the link to each registered sender; True when one of them sent it."""
    return bool(email) and any(sender(round_, draft, email, link) for sender in LINK_SENDERS)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def expiry_for(round_: FundingRound, now: datetime | None = None) -> datetime:
    """When a draft of this round stops working: the end of its closing day."""
    now = now or utcnow()
    if round_.applications_close_on is not None:
        return end_of_uk_day(round_.applications_close_on)
    return now + timedelta(days=DRAFT_DAYS)


def save(
    *, round_: FundingRound, answers: dict[str, Any], draft: ApplicationDraft | None = None
) -> tuple[ApplicationDraft, str]:
    """Keep the typed answers as a draft (policy: public, while the round is open); returns the
    draft and the new token for its link (the earlier link, if any, stops working)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    if draft is None:
        draft = ApplicationDraft(round_id=round_.id, created_at=now)
        db.session.add(draft)
    draft.answers = dict(answers)
    draft.token_hash = token_hash(token)
    draft.updated_at = now
    draft.expires_at = expiry_for(round_, now)
    db.session.flush()
    record(
        actor=None,
        action="application_draft.saved",
        object_type="application_draft",
        object_id=draft.id,
        round_id=round_.id,
    )
    return draft, token


def _usable(draft: ApplicationDraft | None, round_: FundingRound) -> ApplicationDraft | None:
    if draft is None or draft.round_id != round_.id or draft.expires_at <= utcnow():
        return None
    return draft


def by_token(round_: FundingRound, token: str) -> ApplicationDraft | None:
    """The round's unexpired draft this link opens, or None (a malformed token is never looked
    up)."""
    if not TOKEN.fullmatch(token or ""):
        return None
    draft = db.session.execute(
        db.select(ApplicationDraft).where(ApplicationDraft.token_hash == token_hash(token))
    ).scalar_one_or_none()
    return _usable(draft, round_)


def by_id(round_: FundingRound, draft_id: Any) -> ApplicationDraft | None:
    """The draft a visit to its link put in the session, if it is still usable."""
    if not isinstance(draft_id, int):
        return None
    return _usable(db.session.get(ApplicationDraft, draft_id), round_)


def finish(*, draft: ApplicationDraft, application: Application) -> None:
    """The draft became this application: its files move over and the draft is deleted."""
    move_to_application(draft=draft, application=application)
    db.session.execute(db.delete(ApplicationDraft).where(ApplicationDraft.id == draft.id))
    db.session.flush()


def erase_expired(*, now: datetime | None = None) -> int:
    """Erase every draft past its expiry, with its files (policy: a daily job); how many."""
    now = now or utcnow()
    expired = list(
        db.session.execute(
            db.select(ApplicationDraft.id).where(ApplicationDraft.expires_at <= now)
        ).scalars()
    )
    if expired:
        db.session.execute(db.delete(Attachment).where(Attachment.draft_id.in_(expired)))
        db.session.execute(db.delete(ApplicationDraft).where(ApplicationDraft.id.in_(expired)))
        record(
            actor=None,
            action="application_draft.expired_erased",
            object_type="application_draft",
            after={"drafts": len(expired)},
        )
    db.session.flush()
    return len(expired)


def visit_limited(*, address: str, limit: int = VISITS_PER_HOUR) -> bool:
    """Count one draft save or link visit from this address; True once it passes `limit` in
    the hour (the counter row is locked, so simultaneous visits take turns)."""
    row = lock(f"draft:{address[:64]}")
    now = utcnow()
    if row.last_failure_at is None or row.last_failure_at < now - timedelta(hours=1):
        row.failures = 0
        row.last_failure_at = now
    if row.failures >= limit:
        return True
    row.failures += 1
    return False
