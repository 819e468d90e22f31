"""The faults a person could not see coming, and what we tell them about each.

A fault is a busy database (SQLite's write lock held past the web busy timeout, a PostgreSQL lock
or serialisation failure), an unavailable one (the server stopped, stopping or unreachable), or a
full disk. Anything else is a bug and stays a 500 (panel.errors.unexpected_error).
"""

import errno
import sqlite3
from dataclasses import dataclass

from panel.database import fault_chain, fault_kind


@dataclass(frozen=True)
class Fault:
    """One kind of fault, with the plain words a person reads and when to try again."""

    kind: str
    cause: str  # what went wrong, in a sentence
    save_advice: str  # after a refused save whose form is shown again, editable
    kept_advice: str  # after a refused save whose typing is shown read-only
    page_advice: str  # on a page that could not be shown
    retry_after: int  # seconds, for the Retry-After header
    readable: bool  # the database can still be read, so the page can be made again


BUSY = Fault(
    kind="busy",
    cause="The service is busy just now.",
    save_advice="What you typed is still in the form below. Wait a minute, then send it again.",
    kept_advice="What you typed is below. Wait a minute, then send it again.",
    page_advice="Wait a minute, then try again.",
    retry_after=10,
    readable=True,
)
UNAVAILABLE = Fault(
    kind="unavailable",
    cause="The service cannot reach its database just now.",
    save_advice="What you typed is still in the form below. Try again in a few minutes.",
    kept_advice=(
        "What you typed is below, exactly as you sent it. Copy it somewhere safe, then try "
        "again in a few minutes. If it keeps happening, tell the staff who run the service."
    ),
    page_advice=(
        "Try again in a few minutes. If it keeps happening, tell the staff who run the service."
    ),
    retry_after=30,
    readable=False,
)
DISK_FULL = Fault(
    kind="disk_full",
    cause="The server has run out of storage space.",
    save_advice=(
        "What you typed is still in the form below. Copy it somewhere safe and tell the staff "
        "who run the service. Once they have made space, you can send it again."
    ),
    kept_advice=(
        "What you typed is below, exactly as you sent it. Copy it somewhere safe and tell the "
        "staff who run the service. Once they have made space, you can send it again."
    ),
    page_advice=("Tell the staff who run the service. Try again once they have made space."),
    retry_after=300,
    readable=True,
)

KINDS = {"busy": BUSY, "unavailable": UNAVAILABLE, "disk_full": DISK_FULL}


def classify(error: BaseException) -> Fault | None:
    """The fault behind `error`, or None when it is not one (a bug: a 500 as before)."""
    kind = fault_kind(error)
    return None if kind is None else KINDS[kind]


def describe(error: BaseException) -> str:
    """The error's driver class and code for the log: never its SQL or parameters, which can
    hold what people typed (names, emails)."""
    for exc in fault_chain(error):
        if isinstance(exc, sqlite3.Error):
            return f"sqlite3 {getattr(exc, 'sqlite_errorname', type(exc).__name__)}"
        sqlstate = getattr(exc, "sqlstate", None)
        if sqlstate or type(exc).__module__.startswith("psycopg"):
            return f"{type(exc).__module__}.{type(exc).__name__} {sqlstate or ''}".strip()
        if isinstance(exc, OSError) and exc.errno is not None:
            return f"{type(exc).__name__} {errno.errorcode.get(exc.errno, exc.errno)}"
    return type(error).__name__
