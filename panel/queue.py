"""The task queue: huey, on a SQLite file in instance/ by default, on Redis when PANEL_REDIS_URL
is set (production: several web workers and a worker on other machines share it).

Work that must not hold up a web request (sending mail, making a large export) and work that
runs on a timetable (reminders, clearing expired links and old export files) are huey tasks,
run by `flask --app panel worker` (panel/cli.py). A task runs inside the app that the worker
bound with `bind`, in an app context and database session of its own.

Tasks are queued only after the transaction that asked for them commits (`after_commit`): a
worker never looks for a row that is not there yet, and a rolled-back action queues nothing.
Every queued piece of work is also a database row (a message, an export job), and a periodic
sweep picks up any row whose queued task was lost, so the queue is never the only copy.
"""

import functools
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from panel.extensions import db

# huey.storage imports psycopg and redis at the top for storages most start-ups never use: psycopg
# for a PostgreSQL storage we never use, redis (and its asyncio, sentinel and cluster modules,
# about a fifth of a second) for RedisStorage, used only when PANEL_REDIS_URL is set. Both would
# be on every start-up on SQLite (benchmarks/startup.py). Hide them while huey loads, unless
# they are loaded already; `_use_redis` hands huey the redis names when a Redis URL is
# configured, and SQLAlchemy imports psycopg normally for a PostgreSQL URL, as the entries are
# removed again straight after.
_HIDDEN = [name for name in ("psycopg", "redis") if name not in sys.modules]
for _name in _HIDDEN:
    sys.modules[_name] = None  # type: ignore[assignment]
try:
    import huey.storage as _huey_storage
    from huey import Huey, crontab
    from huey.api import TaskWrapper
    from huey.consumer import Consumer
    from huey.storage import RedisStorage, SqliteStorage
finally:
    for _name in _HIDDEN:
        del sys.modules[_name]


def _use_redis() -> None:
    """Give huey.storage the redis names it would have imported at the top (see above), and
    RedisStorage the client class it took from them."""
    if _huey_storage.Redis is None:
        import redis
        import redis.exceptions

        _huey_storage.ConnectionPool = redis.ConnectionPool
        _huey_storage.Redis = redis.Redis
        _huey_storage.ConnectionError = redis.exceptions.ConnectionError
        _huey_storage.TimeoutError = redis.exceptions.TimeoutError
        RedisStorage.redis_client = redis.Redis


log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])

# One queue for the app; `configure` points its storage at this app's SQLite file or Redis.
huey = Huey("grant-panel", storage_class=SqliteStorage, filename=":memory:", utc=True)
_bound: dict[str, Flask] = {}
_PENDING = "panel_queue_pending"
_BATCHES = "panel_queue_batches"

__all__ = [
    "bind",
    "configure",
    "crontab",
    "huey",
    "later",
    "later_batch",
    "periodic",
    "run_consumer",
    "task",
]


def configure(app: Flask) -> None:
    """Point the queue at this app's storage: Redis when PANEL_REDIS_URL is set, otherwise
    instance/queue.sqlite3 (PANEL_QUEUE_FILE). PANEL_QUEUE_IMMEDIATE runs each task at once in
    the process that queues it (a one-person demo with no worker; some tests)."""
    url = app.config.get("PANEL_REDIS_URL")
    if url:
        _use_redis()
        huey.storage = RedisStorage(huey.name, url=url)
    else:
        path = app.config.get("PANEL_QUEUE_FILE") or str(Path(app.instance_path) / "queue.sqlite3")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        huey.storage = SqliteStorage(huey.name, filename=str(path), timeout=15)
    huey.immediate_use_memory = False
    huey._immediate = bool(app.config.get("PANEL_QUEUE_IMMEDIATE", False))
    bind(app)


def bind(app: Flask) -> None:
    """The app whose context every task runs in (the worker's, or the web app's)."""
    _bound["app"] = app


def _in_app(fn: F) -> F:
    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        app = _bound["app"]
        with app.app_context():
            try:
                return fn(*args, **kwargs)
            finally:
                db.session.remove()

    return run  # type: ignore[return-value]


def task(**options: Any) -> Callable[[F], TaskWrapper]:
    """A huey task that runs in the bound app's context."""

    def register(fn: F) -> TaskWrapper:
        return huey.task(**options)(_in_app(fn))

    return register


def periodic(schedule: Any, **options: Any) -> Callable[[F], TaskWrapper]:
    """A huey periodic task (run by the worker's scheduler) in the bound app's context."""

    def register(fn: F) -> TaskWrapper:
        return huey.periodic_task(schedule, **options)(_in_app(fn))

    return register


def later(wrapper: TaskWrapper, *args: Any) -> None:
    """Queue `wrapper(*args)` once the current transaction commits (never if it rolls back)."""
    pending: list[tuple[TaskWrapper, tuple[Any, ...]]] = db.session.info.setdefault(_PENDING, [])
    pending.append((wrapper, args))


def later_batch(wrapper: TaskWrapper, item: Any) -> None:
    """Queue `wrapper([items...])` once, with every item given in this transaction, when it
    commits: confirming 200 decisions queues one task for their 200 letters, not 200."""
    batches: dict[str, tuple[TaskWrapper, list[Any]]] = db.session.info.setdefault(_BATCHES, {})
    batches.setdefault(wrapper.name, (wrapper, []))[1].append(item)


@event.listens_for(Session, "after_commit")
def _queue_committed(session: Session) -> None:
    pending = session.info.pop(_PENDING, None) or []
    batches = session.info.pop(_BATCHES, None) or {}
    calls = [*pending, *((wrapper, (items,)) for wrapper, items in batches.values())]
    for wrapper, args in calls:
        try:
            wrapper(*args)
        except Exception:  # the queue is away: the periodic sweep finds the row later
            log.warning("could not queue %s: the sweep will pick it up", wrapper.name)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)
        session.info.pop(_BATCHES, None)


def consumer(*, workers: int = 1, periodic: bool = True) -> Consumer:
    """A huey consumer for the bound app, polling often enough for prompt mail."""
    return huey.create_consumer(
        workers=workers,
        periodic=periodic,
        initial_delay=0.05,
        max_delay=1.0,
        backoff=1.2,
        check_worker_health=False,
    )


@contextmanager
def run_consumer(*, workers: int = 1, periodic: bool = False) -> Iterator[Consumer]:
    """Run a real consumer's workers (and scheduler) in threads of this process while the
    block runs: tests and the mail benchmark. Signal handlers are left alone."""
    running = consumer(workers=workers, periodic=periodic)
    running.scheduler.start()
    for _, worker in running.worker_threads:
        worker.start()
    try:
        yield running
    finally:
        running.stop_flag.set()
        for _, worker in running.worker_threads:
            worker.join(10)
        running.scheduler.join(10)
