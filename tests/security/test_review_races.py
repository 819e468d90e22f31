"""docs/security.md item 34: the sign-in and public-form limits hold under concurrency.

Real threads, each with its own test client (its own cookie and database connection), are
released together by a barrier against one app and one database. On PostgreSQL, before the fix,
40 simultaneous wrong passwords got 8 checked (limit 5) and 20 simultaneous applications got 7
accepted (limit 5 an hour): each check read a count and wrote later, without a lock. The same
tests run on SQLite, where BEGIN IMMEDIATE already serialises them.
"""

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from panel.applications.services import RATE_LIMIT_PER_HOUR
from panel.extensions import db
from panel.models import Application, FundingRound, Stage, User
from panel.models.application import ApplicationAttempt
from panel.models.types import uk_today
from tests.conftest import base_config
from tests.panel.applications.conftest import GOOD
from tests.security.helpers import csrf_token

pytestmark = pytest.mark.slow


@pytest.fixture
def app_config(database_url: str) -> dict[str, Any]:
    # Enough connections for every thread at once, so the race is the lock's to settle.
    return base_config(
        database_url,
        WTF_CSRF_ENABLED=True,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 45, "max_overflow": 5},
    )


def run_together(jobs: list[Callable[[threading.Barrier], Any]]) -> list[Any]:
    """Run each job in its own thread, released at the same moment; return their results."""
    barrier = threading.Barrier(len(jobs), timeout=60)
    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            results[i] = jobs[i](barrier)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def test_item_34_forty_simultaneous_wrong_passwords_get_exactly_the_free_ones_checked(
    app: Flask, resident: User
) -> None:
    """Item 34: 40 wrong passwords for one account at the same moment: exactly 5 (the free
    failures) are checked and answered as wrong; the other 35 are told to wait, and the account
    records 5 failures."""
    email = resident.email
    db.session.commit()

    def guess(barrier: threading.Barrier) -> str:
        client = app.test_client()
        token = csrf_token(client, "/login")
        data = {"email": email, "password": "a wrong guess", "csrf_token": token}
        barrier.wait()
        return client.post("/login", data=data).get_data(as_text=True)

    pages = run_together([guess] * 40)
    checked = sum("Enter a correct email address and password" in p for p in pages)
    waiting = sum("Too many attempts to sign in" in p for p in pages)
    assert (checked, waiting) == (app.config["LOGIN_FREE_FAILURES"], 35)
    failures = db.session.execute(
        sa.text("SELECT failures FROM throttle WHERE key = :key"), {"key": f"email:{email}"}
    ).scalar_one()
    assert failures == app.config["LOGIN_FREE_FAILURES"]


def test_item_34_twenty_simultaneous_applications_from_one_address_get_exactly_five_accepted(
    app: Flask, make_round: Callable[..., FundingRound]
) -> None:
    """Item 34: 20 different applications from one address at the same moment: exactly 5 (the
    hourly limit) are saved and answered with a confirmation; 15 get the 429 page; 5 attempts
    are counted. (The same answers sent again never count twice: item 64.)"""
    today = uk_today()
    make_round(
        slug="spring",
        stage=Stage.APPLICATIONS,
        applications_open_on=today - timedelta(days=1),
        applications_close_on=today + timedelta(days=9),
    )
    db.session.commit()

    def apply(n: int) -> Callable[[threading.Barrier], int]:
        def job(barrier: threading.Barrier) -> int:
            client = app.test_client()
            token = csrf_token(client, "/apply/spring")
            data = {
                **GOOD,
                "project_title": f"Project {n}",
                "submission_key": f"key-{n}",
                "csrf_token": token,
            }
            barrier.wait()
            return client.post("/apply/spring", data=data).status_code

        return job

    codes = run_together([apply(n) for n in range(20)])
    assert sorted(codes) == [302] * RATE_LIMIT_PER_HOUR + [429] * (20 - RATE_LIMIT_PER_HOUR)
    count = db.session.execute(sa.select(sa.func.count(Application.id))).scalar_one()
    attempts = db.session.execute(sa.select(sa.func.count(ApplicationAttempt.id))).scalar_one()
    assert count == attempts == RATE_LIMIT_PER_HOUR


def test_item_34_the_application_limit_counts_per_address(
    app: Flask, make_round: Callable[..., FundingRound], staff: User
) -> None:
    """Item 34: the lock is per address: five at once from each of two addresses are all saved."""
    today = uk_today()
    make_round(
        slug="spring",
        stage=Stage.APPLICATIONS,
        applications_open_on=today - timedelta(days=1),
        applications_close_on=today + timedelta(days=9),
    )
    db.session.commit()

    def apply(n: int) -> Callable[[threading.Barrier], int]:
        def job(barrier: threading.Barrier) -> int:
            client = app.test_client()
            client.environ_base["REMOTE_ADDR"] = f"198.51.100.{n % 2 + 1}"
            token = csrf_token(client, "/apply/spring")
            data = {**GOOD, "submission_key": f"key-{n}", "csrf_token": token}
            barrier.wait()
            return client.post("/apply/spring", data=data).status_code

        return job

    assert run_together([apply(n) for n in range(10)]) == [302] * 10
