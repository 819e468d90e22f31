"""Password rules and hashing (Argon2id), with old hashes upgraded at the next sign-in."""

from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 8
MAX_LENGTH = 1024  # long passphrases are accepted in full; this only stops absurd payloads


@cache
def common_passwords() -> frozenset[str]:
    """The common passwords we refuse, lower-cased."""
    text = resources.files("panel.auth").joinpath("common_passwords.txt").read_text()
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why a new password is refused (too short, too common, is the email), or None when fine."""
    if len(password) < MIN_LENGTH:
        return f"Your password must be at least {MIN_LENGTH} characters long"
    if len(password) > MAX_LENGTH:
        return f"Your password must be {MAX_LENGTH} characters or fewer"
    lowered = password.lower()
    if lowered in common_passwords() or lowered.strip("0123456789!") in common_passwords():
        return "That password is too common and easy to guess. Try three random words together"
    if email and lowered in {email.lower(), email.lower().split("@")[0]}:
        return "Your password must not be your email address"
    if name and lowered == name.lower().replace(" ", ""):
        return "Your password must not be your name"
    return None


def hasher() -> PasswordHasher:
    """The app's Argon2id hasher; tests may pass lighter parameters through config."""
    params = current_app.config.get("PASSWORD_HASH_PARAMS") or {}
    return PasswordHasher(**params)


def hash_password(password: str) -> str:
    """Hash a password with Argon2id."""
    return hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> tuple[bool, str | None]:
    """Check a password; return (matches, new hash when the stored one uses old parameters)."""
    ph = hasher()
    if not stored_hash:
        # Spend the same time as a real check so a missing account is not revealed by timing.
        ph.hash(password)
        return False, None
    try:
        ph.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False, None
    if ph.check_needs_rehash(stored_hash):
        return True, ph.hash(password)
    return True, None
