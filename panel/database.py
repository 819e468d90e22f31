"""Engine tuning that must hold for every connection.

SQLite needs WAL, foreign keys, a long busy timeout and BEGIN IMMEDIATE: a deferred BEGIN that
reads first fails with "database is locked" when another writer commits in between (a measured
quarter of concurrent saves were lost that way). PostgreSQL needs none of this.
"""

from typing import Any

from sqlalchemy import Engine, event


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
        connection.exec_driver_sql("BEGIN IMMEDIATE")
