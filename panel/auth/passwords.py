"""Password rules and hashing (Argon2id), with old hashes upgraded at the next sign-in."""

from collections.abc import Mapping, Sequence
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 8
MAX_LENGTH = 1024  # long passphrases are accepted in full; this only stops absurd payloads
# zxcvbn's scale: 3 means about 10^8 guesses or more, safe against guessing online and
# expensive offline against Argon2id. Below that a password is refused.
ENOUGH = 3
ZXCVBN_MAX = 72
NAMES = {"female_names", "male_names", "surnames"}
ADVICE = "Try three or four random words together"


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why a new password is refused (too short, easy to guess by zxcvbn's estimate, or the
    person's email or name), in plain words; None when it is fine."""
    if len(password) < MIN_LENGTH:
        return f"Your password must be at least {MIN_LENGTH} characters long"
    if len(password) > MAX_LENGTH:
        return f"Your password must be {MAX_LENGTH} characters or fewer"
    lowered = password.lower()
    if email and lowered in {email.lower(), email.lower().split("@")[0]}:
        return "Your password must not be your email address"
    if name and lowered == name.lower().replace(" ", ""):
        return "Your password must not be your name"
    personal = [email, email.split("@")[0], *name.split()] if email else name.split()
    # zxcvbn reads at most 72 characters (it slows down fast beyond): it judges their start.
    from zxcvbn import zxcvbn  # a large word list: loaded when a password is first judged

    result = zxcvbn(password[:ZXCVBN_MAX], user_inputs=[p for p in personal if p])
    if result["score"] >= ENOUGH:
        return None
    return f"This password is too easy to guess: {why_guessable(result['sequence'])}. {ADVICE}"


def why_guessable(sequence: Sequence[Mapping[str, Any]]) -> str:
    """What makes a password easy to guess, from zxcvbn's reading of it, in plain words."""
    words = [m for m in sequence if m["pattern"] == "dictionary" and _has_letters(m["token"])]
    extras = [m for m in sequence if m not in words]
    if any(m["dictionary_name"] == "user_inputs" for m in words):
        return "it is made of your name or email address"
    if words and any(m.get("l33t") for m in words):
        return "it is a common word with letters swapped for look-alike numbers or symbols"
    if words and any(m.get("reversed") for m in words):
        return "it is a common word written backwards"
    if len(sequence) == 1 and words and words[0]["dictionary_name"] == "passwords":
        return "it is one of the most common passwords"
    if words and not any(_has_letters(m["token"]) for m in extras):
        kind = "name" if all(m["dictionary_name"] in NAMES for m in words) else "word"
        kind = f"a common {kind}" if len(words) == 1 else f"common {kind}s"
        if not extras:
            return f"it is {kind}"
        added = "numbers" if all(m["token"].isdigit() for m in extras) else "numbers or symbols"
        return f"it is {kind} with {added} added"
    patterns = {m["pattern"] for m in sequence}
    for pattern, words_for_it in (
        ("spatial", "it is a row of keys next to each other on a keyboard"),
        ("repeat", "it repeats the same characters"),
        ("sequence", "it is an easy sequence, like abc or 1234"),
        ("date", "it is mostly a date or a year"),
    ):
        if pattern in patterns:
            return words_for_it
    if words:
        return "it is mostly common words"
    return "it is short and simple"


def _has_letters(token: str) -> bool:
    return any(c.isalpha() for c in token)


# OWASP's Password Storage Cheat Sheet's Argon2id setting (19 MiB, 2 passes, 1 lane): about
# 22 ms of CPU here, where argon2-cffi's default (64 MiB, 3 passes, 4 lanes) took 170-190 ms,
# so 200 panellists signing in within 10 s took 17 s of both cores. Hashes made with other
# parameters are remade at their next sign-in. PASSWORD_HASH_PARAMS overrides this.
ARGON2_PARAMS = {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}


def hasher() -> PasswordHasher:
    """The app's Argon2id hasher: OWASP's setting unless the config names other parameters."""
    params = current_app.config.get("PASSWORD_HASH_PARAMS") or ARGON2_PARAMS
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
