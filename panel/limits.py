"""Locking a limit's counter row, so that its check and the write that follows are one step.

Counting rows and writing one later, without a lock, let simultaneous requests all pass the
same check on PostgreSQL (40 wrong passwords at once got 8 checked where 5 were allowed; 20
applications at once got 7 saved where 5 were). `lock` makes sure the key's row exists and holds
a row lock on it until the transaction ends, so every other request for the same key waits for
this one to commit. On SQLite, write transactions already run one at a time (BEGIN IMMEDIATE,
panel/database.py); the same code is a plain read there.
"""

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite

from panel.database import read_only_request
from panel.extensions import db
from panel.models.throttle import Throttle


def lock(key: str) -> Throttle:
    """The counter row for `key`, created if new, locked until this transaction ends."""
    if read_only_request():
        # Answering a fault (panel.faults): nothing will be saved, so only look; a row is
        # neither made nor locked, and a key never seen before counts nothing.
        found = peek(key)
        return found if found is not None else Throttle(key=key, failures=0)
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    for _ in range(3):
        # Made if missing; a request that makes it at the same moment waits for ours, or we for
        # its, on the primary key.
        db.session.execute(
            dialect.insert(Throttle).values(key=key, failures=0).on_conflict_do_nothing()
        )
        row: Throttle | None = db.session.execute(
            db.select(Throttle)
            .where(Throttle.key == key)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalar_one_or_none()
        if row is not None:
            return row
        # Removed between the two statements by a request that had it locked (a successful
        # sign-in clears its account's row): make it again.
    raise RuntimeError(f"could not lock the counter row {key!r}")


def peek(key: str) -> Throttle | None:
    """The counter row for `key` as it stands, neither made nor locked."""
    found: Throttle | None = db.session.execute(
        db.select(Throttle).where(Throttle.key == key)
    ).scalar_one_or_none()
    return found


def forget(key: str) -> None:
    """Remove the counter row for `key` (inside the transaction holding its lock)."""
    db.session.execute(db.delete(Throttle).where(Throttle.key == key))


def prune(*, before: datetime, batch: int = 100) -> None:
    """Remove up to `batch` rows whose last failure is older than `before`, skipping any row
    another request holds (so pruning never waits for, or deadlocks with, a sign-in)."""
    stale = (
        db.select(Throttle.key)
        .where(Throttle.last_failure_at < before)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    keys = list(db.session.execute(stale).scalars())
    if keys:
        db.session.execute(db.delete(Throttle).where(Throttle.key.in_(keys)))
