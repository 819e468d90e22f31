"""Accounts, sign-in with throttling, and single-use password links."""

import hashlib
import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_

from panel.audit import record
from panel.auth.passwords import hash_password, verify_password
from panel.database import reads_only
from panel.extensions import db
from panel.limits import forget, lock, peek, prune
from panel.messages.outbox import mail_configured, queue_message, to_user
from panel.models import PasswordLink, Role, User
from panel.models.throttle import Throttle
from panel.models.types import uk_datetime, utcnow
from panel.text import plain_name


class AccountError(ValueError):
    """A refusal with a message fit to show to the person."""


class TooManyAttempts(AccountError):
    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"Too many attempts to sign in. Wait {_how_long(seconds)}, then try again, "
            "or ask a member of staff for a new sign-in link."
        )
        self.seconds = seconds


def _how_long(seconds: float) -> str:
    """A wait in plain words: under half a minute in seconds, otherwise in whole minutes (rounded
    up, so the wait said is never shorter than the real one)."""
    if seconds < 30:
        whole = max(1, math.ceil(seconds))
        return f"{whole} second" + ("" if whole == 1 else "s")
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute" + ("" if minutes == 1 else "s")


class LinkInvalid(AccountError):
    pass


def normalise_email(email: str) -> str:
    """Emails are compared and stored lower-cased and trimmed."""
    return email.strip().lower()


def find_user(email: str) -> User | None:
    """The account with this email (any case), or None."""
    return db.session.execute(
        db.select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()


def create_user(*, email: str, display_name: str, role: Role, actor: User | None) -> User:
    """Create an account with no password yet; refuse an email that is already used."""
    email = normalise_email(email)
    if find_user(email) is not None:
        raise AccountError("There is already an account with that email address")
    user = User(email=email, display_name=plain_name(display_name).strip(), role=role)
    db.session.add(user)
    db.session.flush()
    record(
        actor=actor,
        action="account.created",
        object_type="user",
        object_id=user.id,
        after={"email": email, "display_name": user.display_name, "role": str(role)},
    )
    return user


def authenticate(*, email: str, password: str, address: str) -> User:
    """Sign-in check. Unknown email and wrong password fail identically.

    Policy: each account (the email typed, whether or not it exists) and each client address has
    a few free failures; past them, every failure makes the next attempt wait, twice as long each
    time up to a longest wait. While a wait runs, the attempt is refused whatever the password
    (so a guesser learns nothing); once it has passed, the right password signs in, so nobody can
    keep the owner out for longer than the longest wait. The password is checked before the
    account's and the address's rows are locked (Argon2 takes a tenth of a second of CPU, and on
    SQLite a lock held that long would hold up everyone's saves); its verdict is acted on only
    once they are locked and no wait runs, and the rows stay locked until the commit, so
    simultaneous attempts take turns and each counts.
    """
    email = normalise_email(email)
    keys = [f"email:{email[:254]}", f"address:{address[:64]}"]
    with reads_only():
        _refuse_while_waiting([peek(key) for key in keys], utcnow())  # no hashing while waiting
        user = find_user(email)
        checked_hash = user.password_hash if user else None
    ok, new_hash = verify_password(checked_hash, password)  # no transaction open meanwhile
    now = utcnow()
    rows = [lock(key) for key in keys]
    forget_after = timedelta(minutes=current_app.config["LOGIN_FORGET_MINUTES"])
    for row in rows:
        if row.last_failure_at is not None and now - row.last_failure_at > forget_after:
            row.failures, row.last_failure_at, row.wait_until = 0, None, None
    _refuse_while_waiting(rows, now)
    user = find_user(email)
    if user is not None and user.password_hash != checked_hash:
        ok, new_hash = verify_password(user.password_hash, password)  # changed meanwhile
    if user is None or not ok or not user.active:
        config = current_app.config
        allowed = (config["LOGIN_FREE_FAILURES"], config["LOGIN_ADDRESS_FREE_FAILURES"])
        for row, free in zip(rows, allowed, strict=True):
            row.failures += 1
            row.last_failure_at = now
            wait = wait_after(row.failures, free=free)
            row.wait_until = now + wait if wait else None
        prune(before=now - forget_after)  # rows of emails and addresses not tried for a while
        # Neither the email typed nor the account is logged: only whether one exists.
        current_app.logger.warning(
            "failed sign-in for %s from %s",
            f"account {user.id}" if user else "an email with no account",
            address,
        )
        raise AccountError("Enter a correct email address and password")
    if new_hash is not None:
        user.password_hash = new_hash  # parameters were raised since this hash was made
    return user


def _refuse_while_waiting(rows: Sequence[Throttle | None], now: datetime) -> None:
    """TooManyAttempts when any of the rows has a wait still running."""
    waits = [r.wait_until - now for r in rows if r and r.wait_until and r.wait_until > now]
    if waits:
        raise TooManyAttempts(max(waits).total_seconds())


def wait_after(failures: int, *, free: int) -> timedelta:
    """How long the next attempt waits after `failures` failures, `free` of them without a wait:
    the first wait, doubled for each failure since, never more than the longest wait."""
    if failures < free:
        return timedelta(0)
    config = current_app.config
    first, longest = config["LOGIN_FIRST_WAIT_SECONDS"], config["LOGIN_LONGEST_WAIT_SECONDS"]
    return timedelta(seconds=min(first * 2 ** min(failures - free, 32), longest))


def clear_failures(*, email: str) -> None:
    """Forget an account's failed attempts after a successful sign-in or a new password (the
    address's failures stay: one success there says nothing about the other attempts)."""
    forget(f"email:{normalise_email(email)[:254]}")


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedLink:
    url: str
    token: str
    link: PasswordLink


def issue_link(
    *, user: User, purpose: str, actor: User | None, lifetime: timedelta | None = None
) -> IssuedLink:
    """Make a single-use password link (7 days unless `lifetime` is given); earlier unused links
    for the user stop working. The link is also queued in an email to the person (kept in the
    outbox for staff to pass on when no mail server is set up); staff still see it to copy."""
    now = utcnow()
    db.session.execute(
        db.update(PasswordLink)
        .where(PasswordLink.user_id == user.id, PasswordLink.used_at.is_(None))
        .values(expires_at=now)
    )
    token = secrets.token_urlsafe(32)
    link = PasswordLink(
        user_id=user.id,
        token_hash=_hash_token(token),
        purpose=purpose,
        created_at=now,
        expires_at=now + (lifetime or timedelta(days=current_app.config["INVITE_DAYS"])),
        created_by_id=actor.id if actor else None,
    )
    db.session.add(link)
    db.session.flush()
    record(
        actor=actor,
        action=f"account.{purpose}_link_issued",
        object_type="user",
        object_id=user.id,
        after={"expires_at": link.expires_at.isoformat()},
    )
    base = current_app.config["PANEL_BASE_URL"].rstrip("/")
    url = f"{base}/set-password/{token}"
    queue_message(
        kind="invitation" if purpose == "invite" else "password_reset",
        to=to_user(user),
        values={"fund": FUND_NAME, "expires": uk_datetime(link.expires_at)},
        actor=actor,
        link=url,
    )
    return IssuedLink(url=url, token=token, link=link)


FUND_NAME = "the Community Fund panel"
RESET_SENT = (
    "If there is an account with that email address, we have sent it a link to choose a new "
    "password. The link works once, for one hour. If nothing arrives in a few minutes, check "
    "your spam folder or ask a member of staff."
)


def request_reset(*, email: str, address: str) -> None:
    """ "Forgot your password?": email a single-use link valid one hour, if the account exists
    and is active. Whatever happens, the person is told the same (RESET_SENT), so the answer
    says nothing about which addresses have accounts. At most RESET_PER_HOUR links an hour per
    account, and ten asks an hour per client address; past them nothing more is sent."""
    if not mail_configured():
        return
    now = utcnow()
    hour = timedelta(hours=1)
    row = lock(f"reset:{address[:64]}")
    if row.last_failure_at is None or now - row.last_failure_at > hour:
        row.failures = 0
    row.failures += 1
    row.last_failure_at = now
    if row.failures > 10:
        return
    user = find_user(email)
    if user is None or not user.active:
        return
    recent = db.session.execute(
        db.select(func.count(PasswordLink.id)).where(
            PasswordLink.user_id == user.id,
            PasswordLink.purpose == "reset",
            PasswordLink.created_by_id.is_(None),
            PasswordLink.created_at > now - hour,
        )
    ).scalar_one()
    if recent >= int(current_app.config["RESET_PER_HOUR"]):
        return
    minutes = int(current_app.config["RESET_LINK_MINUTES"])
    issue_link(user=user, purpose="reset", actor=None, lifetime=timedelta(minutes=minutes))


def link_for_token(token: str) -> PasswordLink:
    """The live link for a token, or LinkInvalid (unknown, used or expired look the same)."""
    link: PasswordLink | None = db.session.execute(
        db.select(PasswordLink).where(PasswordLink.token_hash == _hash_token(token))
    ).scalar_one_or_none()
    return _live(link)


def link_by_id(link_id: int) -> PasswordLink:
    """The live link with this id (from the session of someone who opened it), or LinkInvalid."""
    return _live(db.session.get(PasswordLink, link_id))


def _live(link: PasswordLink | None) -> PasswordLink:
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        raise LinkInvalid(
            "This link has expired or has already been used. Ask a member of staff for a new one."
        )
    if not link.user.active:
        raise LinkInvalid("This account has been closed. Ask a member of staff if this is wrong.")
    return link


def set_password(*, user: User, password: str, link: PasswordLink | None = None) -> None:
    """Store a new password hash; end every other session; use up the link if one was given."""
    user.password_hash = hash_password(password)
    user.session_version += 1
    if link is not None:
        link.used_at = utcnow()
    clear_failures(email=user.email)
    record(actor=user, action="account.password_set", object_type="user", object_id=user.id)


def end_sessions(user: User) -> None:
    """Invalidate every session of the user, on every device (checked on each request)."""
    user.session_version += 1


def set_active(*, user: User, active: bool, actor: User) -> None:
    """Deactivate or reactivate an account; never delete it (its scores and history stay)."""
    if user.id == actor.id and not active:
        raise AccountError("You cannot deactivate your own account")
    if user.active == active:
        return
    user.active = active
    end_sessions(user)
    record(
        actor=actor,
        action="account.activated" if active else "account.deactivated",
        object_type="user",
        object_id=user.id,
        before={"active": not active},
        after={"active": active},
    )


def search_people(text: str = "") -> list[User]:
    """Every account, staff first then by name; optionally matching name or email."""
    query = db.select(User).order_by(User.role.desc(), func.lower(User.display_name))
    if text.strip():
        like = f"%{text.strip().lower()}%"
        query = query.where(or_(func.lower(User.display_name).like(like), User.email.like(like)))
    return list(db.session.execute(query).scalars())
