"""Engine tuning that must hold for every connection.

SQLite needs WAL, foreign keys, a long busy timeout and BEGIN IMMEDIATE for write transactions:
a deferred BEGIN that reads first fails with "database is locked" when another writer commits in
between (a measured quarter of concurrent saves were lost that way). Page views (GET and HEAD
requests) only read, so they begin a plain deferred transaction: in WAL mode a reader never waits
for the writer, where an IMMEDIATE one would hold the single write lock for the whole page view
and make every worker's page views queue behind each other (measured under gunicorn: 4 workers
served 71 requests/s at a 200 ms median before, 98 requests/s at 30 ms after). The few endpoints
that write on GET are listed in WRITES_ON_GET and keep BEGIN IMMEDIATE.
PostgreSQL needs none of this.
"""

from typing import Any

from flask import current_app, has_request_context, request
from sqlalchemy import Engine, event

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# GET endpoints that write (an audit row for a download, a stale job marked failed).
WRITES_ON_GET = {"results.download_now", "results.job_status", "results.coproduction_csv"}
WRITE_VERBS = ("INSERT", "UPDATE", "DELETE")


def begins_immediate() -> bool:
    """Whether a transaction starting now must take SQLite's write lock at once."""
    if not has_request_context():
        return True  # CLI commands, background jobs and tests: they may write
    return request.method not in READ_METHODS or request.endpoint in WRITES_ON_GET


def tune_engine(engine: Engine) -> None:
    """Install the SQLite pragmas and BEGIN IMMEDIATE on `engine`; a no-op for other databases."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = begins_immediate()
        connection.info["deferred"] = not immediate
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    @event.listens_for(engine, "before_cursor_execute")
    def _on_execute(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # A page view that writes may fail with "database is locked" when another save commits
        # between its first read and its write: say which endpoint must join WRITES_ON_GET.
        if connection.info.get("deferred") and statement.lstrip()[:6].upper() in WRITE_VERBS:
            endpoint = request.endpoint if has_request_context() else None
            current_app.logger.warning(
                "%s writes to SQLite on GET: add it to panel.database.WRITES_ON_GET", endpoint
            )
