"""Shared set-up for the app benchmarks: an app on a scratch database with a synthetic round."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask  # noqa: E402

from panel import create_app  # noqa: E402
from panel.extensions import db  # noqa: E402

PASSWORD = "benchmark password 2026"  # noqa: S105 (a throwaway scratch database)


def make_app(database_url: str | None) -> tuple[Flask, str]:
    """An app on `database_url`, or on a fresh SQLite file in a temporary folder."""
    if not database_url:
        folder = tempfile.mkdtemp(prefix="panel-bench-")
        database_url = f"sqlite:///{folder}/bench.sqlite3"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "benchmark-secret-key-not-for-production-use",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
            "PANEL_EXPORT_INLINE_MAX_SCORES": 10**9,
        }
    )
    with app.app_context():
        db.create_all()
    return app, database_url


def round_parser(description: str | None, *, repeat: int) -> argparse.ArgumentParser:
    """The options every round benchmark takes: the synthetic round's size and seed, how many
    timed runs, and the database (a fresh SQLite file when none is given)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--applications", type=int, default=500)
    parser.add_argument("--panellists", type=int, default=30)
    parser.add_argument("--criteria", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=repeat)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=None)
    return parser


def seed_from_args(args: argparse.Namespace) -> int:
    """Seed the round `round_parser`'s options describe (inside an app context), saying how long
    it took; returns its id."""
    round_id, took = seed_round(args.applications, args.panellists, args.criteria, args.seed)
    print(f"seed-synthetic {args.applications} x {args.panellists} x {args.criteria}: {took:.1f} s")
    return round_id


def seed_round(applications: int, panellists: int, criteria: int, seed: int) -> tuple[int, float]:
    """Seed a synthetic round (inside an app context); returns (round id, seconds taken)."""
    from panel.results.synthetic import seed_synthetic

    start = time.perf_counter()
    round_ = seed_synthetic(
        applications=applications, panellists=panellists, criteria_count=criteria, seed=seed
    )
    round_id = round_.id
    db.session.commit()
    return round_id, time.perf_counter() - start


def staff_email(round_id: int) -> str:
    """Give the synthetic round's staff account a password; return its email."""
    from argon2 import PasswordHasher

    from panel.models import FundingRound, User

    round_ = db.session.get(FundingRound, round_id)
    assert round_ is not None
    user = db.session.get(User, round_.created_by_id)
    assert user is not None
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    email = user.email
    db.session.commit()
    return email


def conflicted_email(round_id: int) -> str:
    """Give a panellist of the round with a standing conflict a password; return their email."""
    from argon2 import PasswordHasher

    from panel.models import Conflict, User

    user = db.session.execute(
        db.select(User)
        .join(Conflict, Conflict.panellist_id == User.id)
        .where(Conflict.round_id == round_id, Conflict.withdrawn_at.is_(None))
        .order_by(User.id)
        .limit(1)
    ).scalar_one()
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    email = user.email
    db.session.commit()
    return email


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def median_time(fn: Any, repeat: int, before: Any = None, clock: Any = time.perf_counter) -> float:
    """Median seconds of `repeat` calls of fn; `before` (untimed) runs ahead of each. `clock`:
    time.process_time gives this process's CPU time, which other work on the machine moves
    less than the wall clock (on SQLite the database's work is in it too)."""
    import statistics

    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = clock()
        fn()
        times.append(clock() - start)
    return statistics.median(times)
