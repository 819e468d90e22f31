"""The same application sent twice, and drop-in sessions on one connection.

Sending the public form, pressing Back and sending again must not make a second application:
the same answers from the same browser within an hour get the first reference back. The browser
keeps what it sent (a fingerprint of the answers and the reference) in its signed session; the
views read and write that, and this module only decides. Identical answers never count twice
towards the limit of five an hour per address (the attempt rows carry the fingerprint), and
staff can lift the limit for one browser for a few hours, audited, for a drop-in session where
many groups apply on one connection.
"""

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from panel.audit import record
from panel.models import FundingRound, User

# Where the browser's signed session keeps what it sent, and staff's lifting of the limit.
SENT_KEY = "applications_sent"
LIFT_KEY = "apply_limit_lifted"
NOT_ANSWERS = ("csrf_token", "submission_key", "website")

SAME_WITHIN = timedelta(hours=1)
LIFT_FOR = timedelta(hours=4)
KEEP_AT_MOST = 20  # sent applications a browser remembers (each is about 100 bytes)


def fingerprint(round_id: int, answers: dict[str, Any]) -> str:
    """A fingerprint of the typed answers (case, spacing and order of the fields ignored; the
    form's token, one-time key and honeypot, and anything not typed, such as a file, left out)."""
    normal = {
        key: " ".join(str(value).lower().split()) if value is not None else ""
        for key, value in answers.items()
        if key not in NOT_ANSWERS and (value is None or isinstance(value, str | int | float))
    }
    text = json.dumps([round_id, sorted(normal.items())], separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _recent(sent: Any, now: datetime) -> list[dict[str, Any]]:
    """The browser's remembered sends within the hour, ignoring anything malformed."""
    if not isinstance(sent, list):
        return []
    since = (now - SAME_WITHIN).timestamp()
    return [
        item
        for item in sent
        if isinstance(item, dict)
        and isinstance(item.get("fp"), str)
        and isinstance(item.get("ref"), str)
        and isinstance(item.get("at"), int | float)
        and item["at"] >= since
    ]


def earlier_reference(sent: Any, fp: str, now: datetime) -> str | None:
    """The reference of the same answers this browser sent within the hour, or None."""
    for item in _recent(sent, now):
        if item["fp"] == fp:
            return str(item["ref"])
    return None


def remember(sent: Any, fp: str, reference: str, now: datetime) -> list[dict[str, Any]]:
    """What the browser keeps after sending: this send, and the others still within the hour."""
    kept = [*_recent(sent, now), {"fp": fp, "ref": reference, "at": now.timestamp()}]
    return kept[-KEEP_AT_MOST:]


def limit_lifted(grant: Any, round_: FundingRound, now: datetime) -> bool:
    """Whether staff lifted the rate limit on this browser for this round, until a time not
    yet passed."""
    return (
        isinstance(grant, dict)
        and grant.get("round") == round_.id
        and isinstance(grant.get("until"), int | float)
        and now.timestamp() < grant["until"]
    )


def lift_limit(*, round_: FundingRound, actor: User, now: datetime) -> dict[str, Any]:
    """Staff lift the limit of applications an hour on their browser for a drop-in session
    (audited); the view keeps the returned grant in that browser's signed session."""
    until = now + LIFT_FOR
    record(
        actor=actor,
        action="application.limit_lifted",
        object_type="round",
        object_id=round_.id,
        round_id=round_.id,
        after={"until": until.isoformat(timespec="minutes")},
    )
    return {"round": round_.id, "until": until.timestamp()}
