"""Private links for a group (no account): one to accept an offer, one to send a report.

A link is single-purpose and works once: its token is 32 random bytes, only its SHA-256 is kept,
a new link of the same purpose stops the older ones, and it expires (30 days to accept, 90 to
report). Opening one swaps the token for a session value, so the token leaves the address bar.
Everything a group does through a link is counted per client address (`rate_limited`).
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app

from panel.audit import record
from panel.extensions import db
from panel.limits import lock
from panel.models import Grant, GrantLink, User
from panel.models.types import utcnow

LINK_DAYS = {"accept": 30, "report": 90}
PURPOSE_WORDS = {"accept": "accept the grant offer", "report": "send the end-of-grant report"}
RATE_LIMIT_PER_HOUR = 30
INVALID = (
    "This link has expired, has already been used, or is not complete. Ask the fund's staff "
    "for a new one."
)


class LinkInvalid(ValueError):
    """A link that does not work (unknown, used, expired or for something else): all alike."""


@dataclass(frozen=True)
class IssuedLink:
    url: str
    link: GrantLink


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_link(*, grant: Grant, purpose: str, actor: User | None) -> IssuedLink:
    """A new link for `purpose` ("accept" or "report"); earlier unused ones for it stop working.
    `actor` is None when the worker makes it (an overdue report's reminder)."""
    if purpose not in LINK_DAYS:
        raise ValueError(f"unknown link purpose {purpose!r}")
    now = utcnow()
    db.session.execute(
        db.update(GrantLink)
        .where(
            GrantLink.grant_id == grant.id,
            GrantLink.purpose == purpose,
            GrantLink.used_at.is_(None),
        )
        .values(expires_at=now)
    )
    token = secrets.token_urlsafe(32)
    link = GrantLink(
        grant_id=grant.id,
        purpose=purpose,
        token_hash=_hash(token),
        created_at=now,
        expires_at=now + timedelta(days=LINK_DAYS[purpose]),
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(link)
    db.session.flush()
    record(
        actor=actor,
        action=f"grant.{purpose}_link_issued",
        object_type="grant",
        object_id=grant.id,
        round_id=grant.round_id,
        after={"expires_at": link.expires_at.isoformat()},
    )
    base = current_app.config["PANEL_BASE_URL"].rstrip("/")
    return IssuedLink(url=f"{base}/grant/{token}", link=link)


def _live(link: GrantLink | None, purpose: str | None = None) -> GrantLink:
    if (
        link is None
        or link.used_at is not None
        or link.expires_at <= utcnow()
        or (purpose is not None and link.purpose != purpose)
    ):
        raise LinkInvalid(INVALID)
    return link


def link_for_token(token: str) -> GrantLink:
    """The live link for a token, or LinkInvalid (unknown, used and expired look the same)."""
    if not token or len(token) > 100:
        raise LinkInvalid(INVALID)
    return _live(
        db.session.execute(
            db.select(GrantLink).where(GrantLink.token_hash == _hash(token))
        ).scalar_one_or_none()
    )


def link_by_id(link_id: int, purpose: str) -> GrantLink:
    """The live link with this id and purpose (from the session of whoever opened it)."""
    return _live(db.session.get(GrantLink, link_id), purpose)


def use(link: GrantLink) -> None:
    """The link has done its one job."""
    link.used_at = utcnow()


def rate_limited(*, address: str, limit: int = RATE_LIMIT_PER_HOUR) -> bool:
    """Count one use of a private link from this address; True once it passes `limit` in an
    hour. The counter row stays locked until the transaction ends (panel/limits.py)."""
    row = lock(f"grant-link:{address[:64]}")
    now = utcnow()
    if row.last_failure_at is None or row.last_failure_at < now - timedelta(hours=1):
        row.failures, row.last_failure_at = 0, now
    row.failures = (row.failures or 0) + 1
    return row.failures > limit
