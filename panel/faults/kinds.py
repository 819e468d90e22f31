"""The faults a person could not see coming, and what we tell them about each.

A fault is a busy database (SQLite's write lock held past the web busy timeout, a PostgreSQL lock
or serialisation failure), an unavailable one (the server stopped, stopping or unreachable), or a
full disk. Anything else is a bug and stays a 500 (panel.errors.unexpected_error).
"""

import errno
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import sqlalchemy.exc as sa_exc


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

# SQLite's primary result codes (the low byte of the extended code).
SQLITE_KINDS = {
    sqlite3.SQLITE_BUSY: BUSY,
    sqlite3.SQLITE_LOCKED: BUSY,
    sqlite3.SQLITE_FULL: DISK_FULL,
    sqlite3.SQLITE_IOERR: UNAVAILABLE,
    sqlite3.SQLITE_CANTOPEN: UNAVAILABLE,
    sqlite3.SQLITE_READONLY: UNAVAILABLE,
    sqlite3.SQLITE_PROTOCOL: BUSY,
}
# PostgreSQL's SQLSTATEs (exact codes first, then classes of two characters).
SQLSTATE_KINDS = {
    "53100": DISK_FULL,  # disk_full
    "53200": BUSY,  # out_of_memory
    "53300": BUSY,  # too_many_connections
    "55P03": BUSY,  # lock_not_available
    "57014": BUSY,  # query_canceled (a statement or lock timeout)
    "57P01": UNAVAILABLE,  # admin_shutdown: the server is stopping
    "57P02": UNAVAILABLE,  # crash_shutdown
    "57P03": UNAVAILABLE,  # cannot_connect_now: starting up or shutting down
    "25006": UNAVAILABLE,  # read_only_sql_transaction: a standby after a failover
    "40": BUSY,  # transaction_rollback: serialization failure, deadlock
    "08": UNAVAILABLE,  # connection_exception
}
DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException | None] = [error]
    while todo:
        exc = todo.pop(0)
        if exc is None or id(exc) in seen:
            continue
        seen.add(id(exc))
        yield exc
        todo.extend([getattr(exc, "orig", None), exc.__cause__, exc.__context__])


def classify(error: BaseException) -> Fault | None:
    """The fault behind `error`, or None when it is not one (a bug: a 500 as before)."""
    for exc in _chain(error):
        if isinstance(exc, sa_exc.TimeoutError):  # no pooled connection came free in time
            return BUSY
        if isinstance(exc, sqlite3.Error):
            code = getattr(exc, "sqlite_errorcode", None)
            if code is not None and code & 0xFF in SQLITE_KINDS:
                return SQLITE_KINDS[code & 0xFF]
        sqlstate = getattr(exc, "sqlstate", None)
        if isinstance(sqlstate, str) and (
            sqlstate in SQLSTATE_KINDS or sqlstate[:2] in SQLSTATE_KINDS
        ):
            return SQLSTATE_KINDS.get(sqlstate) or SQLSTATE_KINDS[sqlstate[:2]]
        if isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS:
            return DISK_FULL
        if _driver_lost_connection(exc):
            return UNAVAILABLE
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return UNAVAILABLE
    return None


def _driver_lost_connection(exc: BaseException) -> bool:
    """psycopg's own connection failures carry no SQLSTATE: refused, reset, closed."""
    return (
        isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError)
        and getattr(exc, "sqlstate", None) is None
    )


def describe(error: BaseException) -> str:
    """The error's driver class and code for the log: never its SQL or parameters, which can
    hold what people typed (names, emails)."""
    for exc in _chain(error):
        if isinstance(exc, sqlite3.Error):
            return f"sqlite3 {getattr(exc, 'sqlite_errorname', type(exc).__name__)}"
        sqlstate = getattr(exc, "sqlstate", None)
        if sqlstate or type(exc).__module__.startswith("psycopg"):
            return f"{type(exc).__module__}.{type(exc).__name__} {sqlstate or ''}".strip()
        if isinstance(exc, OSError) and exc.errno is not None:
            return f"{type(exc).__name__} {errno.errorcode.get(exc.errno, exc.errno)}"
    return type(error).__name__
