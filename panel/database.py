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

from typing import Any

from flask import current_app, g, has_request_context, request
from sqlalchemy import Engine, event

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# GET endpoints that write (an audit row for a download, a stale job marked failed).
WRITES_ON_GET = {"results.download_now", "results.job_status"}
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


def begins_immediate() -> bool:
    """Whether a transaction starting now must take SQLite's write lock at once."""
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
