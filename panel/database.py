"""Engine tuning that must hold for every connection.

SQLite needs WAL, foreign keys, a long busy timeout and BEGIN IMMEDIATE for write transactions:
a deferred BEGIN that reads first fails with "database is locked" when another writer commits in
between (a measured quarter of concurrent saves were lost that way). Page views (GET and HEAD
requests) only read, so they begin a plain deferred transaction: in WAL mode a reader never waits
for the writer, where an IMMEDIATE one would hold the single write lock for the whole page view
and make every worker's page views queue behind each other (measured under gunicorn: 4 workers
served 71 requests/s at a 200 ms median before, 98 requests/s at 30 ms after). The few endpoints
that write on GET are listed in WRITES_ON_GET and keep BEGIN IMMEDIATE.

Web requests wait for the write lock only PANEL_WEB_BUSY_SECONDS (3 s unless configured), then
answer 503 with the form kept (panel.faults): a worker never sits 15 s on a save while the site
freezes. Commands and background jobs, which nobody watches page by page, wait 15 s.
PostgreSQL needs none of this.

A request answering a fault may be told to only read from then on (`read_only_from_now`): its
transactions begin deferred and any INSERT, UPDATE or DELETE raises WriteRefused, on every
database.
"""

import errno
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, cast

import sqlalchemy.exc as sa_exc
from flask import current_app, g, has_request_context, request
from sqlalchemy import CursorResult, Engine, Executable, event

from panel.extensions import db

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# GET endpoints that write (an audit row for a download, a stale job marked failed).
WRITES_ON_GET = {
    "results.download_now",
    "results.job_status",
    "results.coproduction_csv",
    "grants.open_link",  # counts the visit towards the private links' per-address limit
    "applications.continue_draft",  # each visit counts towards the address's limit
}
WRITE_VERBS = ("INSERT", "UPDATE", "DELETE")
# Commands and background jobs wait this long for SQLite's write lock (milliseconds).
COMMAND_BUSY_MS = 15000


class WriteRefused(Exception):
    """A request told to only read (it is answering a fault) tried to write."""


def read_only_from_now() -> None:
    """The rest of this request only reads: deferred transactions, and writes refused."""
    g.panel_read_only = True


def read_only_request() -> bool:
    """Whether the current request has been told to only read."""
    return has_request_context() and bool(g.get("panel_read_only"))


_reads_only: ContextVar[bool] = ContextVar("panel_reads_only", default=False)


def begins_immediate() -> bool:
    """Whether a transaction starting now must take SQLite's write lock at once."""
    if _reads_only.get():
        return False  # inside reads_only(): a long read that must not hold the write lock
    if not has_request_context():
        return True  # CLI commands, background jobs and tests: they may write
    if read_only_request():
        return False
    return request.method not in READ_METHODS or request.endpoint in WRITES_ON_GET


def busy_timeout_ms() -> int:
    """How long a transaction starting now waits for SQLite's write lock: briefly on the web."""
    if not has_request_context():
        return COMMAND_BUSY_MS
    return int(float(current_app.config.get("PANEL_WEB_BUSY_SECONDS", 3)) * 1000)


def _is_write(statement: str) -> bool:
    return statement.lstrip()[:6].upper() in WRITE_VERBS


@contextmanager
def reads_only() -> Iterator[None]:
    """Run the block in a transaction of its own that only reads: on SQLite, no write lock.

    Long work that reads first and writes last (checking 2,000 imported rows) does its reading
    here, so other people's saves go on meanwhile, then writes in one short transaction. The
    transaction open before the block is rolled back, so call this before writing anything; the
    block's own is rolled back after it, and the next statement begins an ordinary one.
    """
    db.session.rollback()
    token = _reads_only.set(True)
    try:
        yield
    finally:
        db.session.rollback()
        _reads_only.reset(token)


def commit_keeping_loaded() -> None:
    """Commit, keeping what the session has loaded as it was written, instead of expiring it.

    For a request that answers with a redirect right after its commit: an ordinary commit
    expires every object, and the answer's last looks (the signed-in user, for the response
    headers) read them again in a new transaction, which on SQLite takes the write lock a
    second time. Only where nothing read after the commit needs another writer's changes.
    """
    session = db.session()
    keep = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = keep


# ------------------------------------------------------------------ faults

# SQLite's primary result codes (the low byte of the extended code).
SQLITE_KINDS: dict[int, str] = {
    sqlite3.SQLITE_BUSY: "busy",
    sqlite3.SQLITE_LOCKED: "busy",
    sqlite3.SQLITE_FULL: "disk_full",
    sqlite3.SQLITE_IOERR: "unavailable",
    sqlite3.SQLITE_CANTOPEN: "unavailable",
    sqlite3.SQLITE_READONLY: "unavailable",
    sqlite3.SQLITE_PROTOCOL: "busy",
}
# PostgreSQL's SQLSTATEs (exact codes first, then classes of two characters).
SQLSTATE_KINDS: dict[str, str] = {
    "53100": "disk_full",  # disk_full
    "53200": "busy",  # out_of_memory
    "53300": "busy",  # too_many_connections
    "55P03": "busy",  # lock_not_available
    "57014": "busy",  # query_canceled (a statement or lock timeout)
    "57P01": "unavailable",  # admin_shutdown: the server is stopping
    "57P02": "unavailable",  # crash_shutdown
    "57P03": "unavailable",  # cannot_connect_now: starting up or shutting down
    "25006": "unavailable",  # read_only_sql_transaction: a standby after a failover
    "40": "busy",  # transaction_rollback: serialization failure, deadlock
    "08": "unavailable",  # connection_exception
}
DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}


def fault_chain(error: BaseException) -> Iterator[BaseException]:
    """`error`, then each error behind it (the driver's, its cause, its context), once each."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [error]
    while todo:
        exc = todo.pop(0)
        if exc is None or id(exc) in seen:
            continue
        seen.add(id(exc))
        yield exc
        todo.extend([getattr(exc, "orig", None), exc.__cause__, exc.__context__])


def fault_kind(error: BaseException) -> str | None:
    """The fault behind `error`: "busy", "unavailable", "disk_full", or None (a bug, a 500)."""
    for exc in fault_chain(error):
        if isinstance(exc, sa_exc.TimeoutError):  # no pooled connection came free in time
            return "busy"
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
            return "disk_full"
        if _driver_lost_connection(exc):
            return "unavailable"
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return "unavailable"
    return None


def _driver_lost_connection(exc: BaseException) -> bool:
    """psycopg's own connection failures carry no SQLSTATE: refused, reset, closed."""
    psycopg = sys.modules.get("psycopg")  # not imported: no psycopg error can exist
    return (
        psycopg is not None
        and isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError)
        and getattr(exc, "sqlstate", None) is None
    )


def is_busy(exc: BaseException) -> bool:
    """Whether `exc` means another writer held the database for longer than we wait."""
    return fault_kind(exc) == "busy"


def is_disk_full(exc: BaseException) -> bool:
    """Whether `exc` means the disk (or the database's file system) is full."""
    return fault_kind(exc) == "disk_full"


def rows_changed(statement: Executable) -> int:
    """Run an UPDATE or DELETE in the session's transaction: how many rows it changed."""
    return cast(CursorResult[Any], db.session.execute(statement)).rowcount


def tune_engine(engine: Engine) -> None:
    """Refuse writes in read-only requests; on SQLite, install the pragmas, the busy timeouts
    and BEGIN IMMEDIATE."""

    @event.listens_for(engine, "before_cursor_execute")
    def _refuse_writes(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if _is_write(statement) and read_only_request():
            raise WriteRefused(statement.split(None, 1)[0])

    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={COMMAND_BUSY_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        _record.info["busy_ms"] = COMMAND_BUSY_MS

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        pooled = connection.connection
        wanted = busy_timeout_ms()
        if pooled.info.get("busy_ms") != wanted:
            # Straight to the driver: a pragma, not a statement of this transaction.
            pooled.dbapi_connection.execute(f"PRAGMA busy_timeout={wanted}")
            pooled.info["busy_ms"] = wanted
        immediate = begins_immediate()
        connection.info["deferred"] = not immediate
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    @event.listens_for(engine, "before_cursor_execute")
    def _on_execute(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # A page view that writes may fail with "database is locked" when another save commits
        # between its first read and its write: say which endpoint must join WRITES_ON_GET.
        if connection.info.get("deferred") and _is_write(statement) and not read_only_request():
            endpoint = request.endpoint if has_request_context() else None
            current_app.logger.warning(
                "%s writes to SQLite on GET: add it to panel.database.WRITES_ON_GET", endpoint
            )
