"""Twenty savers at once, on a real database file (or PostgreSQL): no acknowledged save is lost.

Each saver is a real signed-in session (its own test client, cookie and CSRF-free form post),
running in its own thread against the same app and database, released together by a barrier.
"""

import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from panel.extensions import db
from panel.models import AuditEvent, Review, ReviewStatus
from tests.conftest import PASSWORD
from tests.panel.scoring.conftest import ScoringWorld

pytestmark = pytest.mark.slow

VERSION = re.compile(r'id="version" name="version" type="hidden" value="(\d+)"')


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
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return results


def saver(
    app: Flask, email: str, url: str, criteria: list[int], values: list[int]
) -> Callable[[threading.Barrier], tuple[int, list[int]]]:
    def job(barrier: threading.Barrier) -> tuple[int, list[int]]:
        client = app.test_client()
        assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
        page = client.get(url).get_data(as_text=True)
        version = VERSION.search(page)
        assert version is not None
        data = {"action": "submit", "version": version.group(1)}
        for cid, value in zip(criteria, values, strict=True):
            data[f"score_{cid}"] = str(value)
        barrier.wait()
        response = client.post(url, data=data)
        return response.status_code, values

    return job


def test_twenty_concurrent_saves_every_acknowledged_one_is_stored_with_its_audit_row(
    app: Flask, make_scoring_round: Callable[..., ScoringWorld]
) -> None:
    """Items 22 and 23: concurrent saves all land, each with its audit row."""
    world = make_scoring_round(panellists=17, applications=1)
    url = f"/rounds/{world.round.id}/scoring/{world.applications[0].id}"
    criteria = [c.id for c in world.criteria]
    keys = [c.key for c in world.criteria]
    people = [(p.id, p.email) for p in world.panellists]
    db.session.commit()

    # Sixteen panellists each submit their own review, and one panellist saves from four tabs.
    solo = people[:16]
    tabs_id, tabs_email = people[16]
    jobs = [
        saver(app, email, url, criteria, [i % 6, (i + 1) % 6, (i + 2) % 6])
        for i, (_, email) in enumerate(solo)
    ]
    jobs += [saver(app, tabs_email, url, criteria, [t, t, 5 - t]) for t in range(4)]
    results = run_together(jobs)

    db.session.expire_all()
    stored = {r.panellist_id: r for r in db.session.execute(db.select(Review)).scalars()}
    events = list(
        db.session.execute(
            db.select(AuditEvent).where(AuditEvent.action.like("review.%"))
        ).scalars()
    )
    # Two panellists saving at the same moment both succeed: all sixteen are acknowledged.
    for (panellist_id, _), (status, values) in zip(solo, results[:16], strict=True):
        assert status == 302
        review = stored[panellist_id]
        assert review.status == ReviewStatus.SUBMITTED
        assert [s.value for s in sorted(review.scores, key=lambda s: s.rubric_criterion_id)] == (
            values
        )
        audited = [e for e in events if e.object_id == review.id]
        assert len(audited) == 1
        assert audited[0].after is not None
        assert audited[0].after["scores"] == dict(zip(keys, values, strict=True))
    # The four tabs: exactly one is acknowledged; the others are told, and change nothing.
    tab_results = results[16:]
    acknowledged = [values for status, values in tab_results if status == 302]
    assert len(acknowledged) == 1
    assert sorted(status for status, _ in tab_results) == [302, 409, 409, 409]
    review = stored[tabs_id]
    assert [s.value for s in sorted(review.scores, key=lambda s: s.rubric_criterion_id)] == (
        acknowledged[0]
    )
    assert review.version == 1
    assert len([e for e in events if e.object_id == review.id]) == 1
    db.session.commit()

    # Then everyone revises at once, each from an up-to-date form: all are stored and audited.
    revisions = [
        saver(app, email, url, criteria, [5 - i % 6, 2, 3]) for i, (_, email) in enumerate(people)
    ]
    results = run_together(revisions)
    assert [status for status, _ in results] == [302] * 17
    db.session.expire_all()
    stored = {r.panellist_id: r for r in db.session.execute(db.select(Review)).scalars()}
    revised = list(
        db.session.execute(
            db.select(AuditEvent).where(AuditEvent.action == "review.revised")
        ).scalars()
    )
    assert len(revised) == 17
    for (panellist_id, _), (_, values) in zip(people, results, strict=True):
        review = stored[panellist_id]
        assert review.version == 2
        assert [s.value for s in sorted(review.scores, key=lambda s: s.rubric_criterion_id)] == (
            values
        )
        (event,) = [e for e in revised if e.object_id == review.id]
        assert event.after is not None and event.after["version"] == 2
        assert event.after["scores"] == dict(zip(keys, values, strict=True))
    db.session.commit()
