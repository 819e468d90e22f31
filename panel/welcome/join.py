""" "Join in": a resident asks to take part; staff invite them (an account and a single-use
password link, in one step) or decline. Only staff see a request.

Nothing personal goes into the audit log or the app's logs: the log says a request came, and
which account it became. Once a request is handled its personal details leave it (they move to
the new account's record when invited).
"""

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func

from panel.audit import record
from panel.auth import services as accounts
from panel.extensions import db
from panel.models import ContactWay, JoinAttempt, JoinRequest, JoinStatus, Role, User
from panel.models.types import utcnow
from panel.welcome import people

RATE_LIMIT_PER_HOUR = 5
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class JoinError(ValueError):
    """A refusal with a message fit to show; `problems` lists (field, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems[0][1])
        self.problems = problems


@dataclass(frozen=True)
class JoinDetails:
    """What a resident tells us on the "Join in" page."""

    name: str
    email: str = ""
    phone: str = ""
    preferred_contact: str = ""
    access_needs: str = ""
    languages: str = ""


def check(details: JoinDetails) -> JoinDetails:
    """A name, and a way to reach them that matches how they like to be contacted."""
    clean = JoinDetails(
        name=details.name.strip(),
        email=details.email.strip().lower(),
        phone=details.phone.strip(),
        preferred_contact=details.preferred_contact.strip(),
        access_needs=details.access_needs.strip(),
        languages=details.languages.strip(),
    )
    problems = []
    if not clean.name:
        problems.append(("name", "Enter your name"))
    elif len(clean.name) > 120:
        problems.append(("name", "Keep your name to 120 characters or fewer"))
    if clean.email and (not EMAIL.match(clean.email) or len(clean.email) > 254):
        problems.append(("email", "Enter an email address like name@example.com"))
    if problem := people.phone_problem(clean.phone):
        problems.append(("phone", problem))
    if not clean.email and not clean.phone:
        problems.append(("email", "Enter an email address or a phone number, so we can reply"))
    if clean.preferred_contact not in set(ContactWay):
        problems.append(("preferred_contact", "Choose how you would like us to contact you"))
    elif clean.preferred_contact == ContactWay.EMAIL and not clean.email:
        problems.append(("email", "Enter your email address, so we can email you"))
    elif clean.preferred_contact in (ContactWay.PHONE, ContactWay.TEXT) and not clean.phone:
        problems.append(("phone", "Enter your phone number, so we can call or text you"))
    if len(clean.access_needs) > 2000:
        problems.append(("access_needs", "Keep this under 2,000 characters"))
    if len(clean.languages) > 200:
        problems.append(("languages", "Keep this to 200 characters or fewer"))
    if problems:
        raise JoinError(problems)
    return clean


def rate_limited(*, address: str, limit: int = RATE_LIMIT_PER_HOUR) -> bool:
    """True when this address has sent `limit` requests in the last hour."""
    since = utcnow() - timedelta(hours=1)
    count = db.session.execute(
        db.select(func.count(JoinAttempt.id)).where(
            JoinAttempt.address == address[:64], JoinAttempt.at >= since
        )
    ).scalar_one()
    return bool(count >= limit)


def note_attempt(*, address: str) -> None:
    """Count one request (or a bot's) from this address towards the rate limit."""
    db.session.add(JoinAttempt(address=address[:64]))


def request_to_join(*, details: JoinDetails) -> JoinRequest:
    """A resident asks to take part. The log records that a request came, nothing about them."""
    clean = check(details)
    request = JoinRequest(
        name=clean.name,
        email=clean.email,
        phone=clean.phone,
        preferred_contact=clean.preferred_contact,
        access_needs=clean.access_needs,
        languages=clean.languages,
    )
    db.session.add(request)
    db.session.flush()
    record(actor=None, action="join.requested", object_type="join_request", object_id=request.id)
    return request


def waiting() -> list[JoinRequest]:
    """Requests staff have not handled yet, oldest first."""
    return list(
        db.session.execute(
            db.select(JoinRequest)
            .where(JoinRequest.status == JoinStatus.NEW)
            .order_by(JoinRequest.created_at, JoinRequest.id)
        ).scalars()
    )


def handled_count() -> int:
    """How many requests staff have invited or declined."""
    return int(
        db.session.execute(
            db.select(func.count(JoinRequest.id)).where(JoinRequest.status != JoinStatus.NEW)
        ).scalar_one()
    )


def _erase(request: JoinRequest, status: JoinStatus, actor: User) -> None:
    request.status = status
    request.handled_at = request.erased_at = utcnow()
    request.handled_by_id = actor.id
    request.name = ""
    request.email = request.phone = request.preferred_contact = ""
    request.access_needs = request.languages = ""


def invite(*, request: JoinRequest, name: str, email: str, actor: User) -> accounts.IssuedLink:
    """Staff turn a request into an invitation in one step: a resident's account, their record
    (contact, access needs, languages) and a single-use link to choose a password."""
    if not actor.is_staff:
        raise JoinError([("form", "Only staff can invite people.")])
    if request.status != JoinStatus.NEW:
        raise JoinError([("form", "This request has already been dealt with.")])
    problems = []
    if not name.strip():
        problems.append(("name", "Enter the person's name"))
    elif len(name.strip()) > 120:
        problems.append(("name", "Keep the name to 120 characters or fewer"))
    address = email.strip().lower()
    if not address:
        problems.append(("email", "Enter their email address: they sign in with it"))
    elif not EMAIL.match(address) or len(address) > 254:
        problems.append(("email", "Enter an email address like name@example.com"))
    if problems:
        raise JoinError(problems)
    try:
        user = accounts.create_user(
            email=address, display_name=name, role=Role.RESIDENT, actor=actor
        )
    except accounts.AccountError as exc:
        raise JoinError([("email", str(exc))]) from exc
    people.write(
        user,
        people.check(
            people.Details(
                phone=request.phone,
                preferred_contact=request.preferred_contact,
                access_needs=request.access_needs,
                languages=request.languages,
            )
        ),
        actor,
    )
    request.user_id = user.id
    _erase(request, JoinStatus.INVITED, actor)
    issued = accounts.issue_link(user=user, purpose="invite", actor=actor)
    record(
        actor=actor,
        action="join.invited",
        object_type="join_request",
        object_id=request.id,
        after={"user_id": user.id},
    )
    return issued


def decline(*, request: JoinRequest, actor: User) -> None:
    """Staff close a request without an account (a duplicate, or the person changed their mind);
    its personal details are erased."""
    if not actor.is_staff:
        raise JoinError([("form", "Only staff can close a request.")])
    if request.status != JoinStatus.NEW:
        raise JoinError([("form", "This request has already been dealt with.")])
    _erase(request, JoinStatus.DECLINED, actor)
    record(actor=actor, action="join.declined", object_type="join_request", object_id=request.id)
