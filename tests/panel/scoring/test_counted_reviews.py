"""Each application's stored count of counted reviews is the count `is_counted` gives, after
every kind of change (issue 20, target 3: "next to score" orders by the stored count).

The count is kept by triggers in the database (panel/models/counted.py), so these tests change
reviews and conflicts every way the app does (pages and services), and also by hand (a review
back to draft, rows deleted or moved, bulk inserts), and compare the stored column with a
recount after each step, on SQLite and on PostgreSQL.
"""

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from panel.coproduction.services.person import erase_record
from panel.extensions import db
from panel.models import (
    COUNTED_REVIEWS_TRIGGERS,
    Application,
    Conflict,
    ConflictKind,
    Review,
    ReviewStatus,
    Score,
    Stage,
    User,
)
from panel.results.synthetic import seed_synthetic
from panel.scoring.services.conflicts import declare_conflict, withdraw_conflict
from panel.scoring.services.lookups import is_counted
from panel.scoring.services.progress import next_to_score
from panel.welcome.people import erase
from tests.conftest import POSTGRES_URL
from tests.factories import gen_conflict, gen_review
from tests.panel.scoring.conftest import ScoringWorld, score_data, sign_in_as


def stored() -> dict[int, int]:
    """Every application's stored count, read afresh from the database."""
    rows = db.session.execute(sa.select(Application.id, Application.counted_reviews)).all()
    return {application_id: n for application_id, n in rows}


def recounted() -> dict[int, int]:
    """Every application's counted reviews, counted now by the rule (`is_counted`)."""
    counts = dict.fromkeys(stored(), 0)
    for application_id, n in db.session.execute(
        sa.select(Review.application_id, sa.func.count(Review.id))
        .where(is_counted())
        .group_by(Review.application_id)
    ):
        counts[application_id] = n
    return counts


def check(world: ScoringWorld, *expected: int) -> None:
    """The stored counts equal a recount, and are `expected` for the world's applications."""
    db.session.commit()
    db.session.expire_all()
    assert stored() == recounted()
    assert tuple(stored()[a.id] for a in world.applications) == expected


def url(world: ScoringWorld, n: int) -> str:
    return f"/rounds/{world.round.id}/scoring/{world.applications[n].id}"


def review_of(world: ScoringWorld, n: int, panellist: int) -> Review:
    return db.session.execute(
        sa.select(Review).where(
            Review.application_id == world.applications[n].id,
            Review.panellist_id == world.panellists[panellist].id,
        )
    ).scalar_one()


def test_the_triggers_are_in_the_schema(app: Flask) -> None:
    """create_all made the six triggers (tests/test_migrations.py checks the migration's)."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    with engine.connect() as conn:
        names = set(conn.exec_driver_sql(query).scalars())
    assert set(COUNTED_REVIEWS_TRIGGERS) <= names


def test_reviews_saved_submitted_and_revised_through_the_page_are_counted(
    client: FlaskClient, world: ScoringWorld
) -> None:
    pat, olu = world.panellists[0], world.panellists[1]
    check(world, 0, 0, 0)
    sign_in_as(client, pat)
    assert client.post(url(world, 0), data=score_data(world, [2, 2, None], action="draft"))
    check(world, 0, 0, 0)  # a draft does not count
    response = client.post(url(world, 0), data=score_data(world, [2, 2, 2], version=1))
    assert response.status_code == 302
    check(world, 1, 0, 0)  # submitted
    response = client.post(url(world, 0), data=score_data(world, [3, 3, 3], version=2))
    assert response.status_code == 302
    check(world, 1, 0, 0)  # revised: still one
    sign_in_as(client, olu)
    assert client.post(url(world, 0), data=score_data(world, [4, 4, 4])).status_code == 302
    assert client.post(url(world, 1), data=score_data(world, [4, 4, 4])).status_code == 302
    check(world, 2, 1, 0)


def test_a_conflict_declared_on_a_submitted_review_sets_it_aside_until_withdrawn(
    world: ScoringWorld,
) -> None:
    pat, olu, kim = world.panellists
    for panellist in (pat, olu):
        gen_review(world.applications[0], panellist, scores=[3, 3, 3])
    gen_review(world.applications[1], kim, scores=[3, 3, 3])
    check(world, 2, 1, 0)
    conflict = declare_conflict(
        round_=world.round,
        application=world.applications[0],
        panellist=olu,
        kind=ConflictKind.FAMILY,
        note="",
        actor=world.staff,
    )
    check(world, 1, 1, 0)  # Olu's submitted review is set aside
    # A conflict where there is no review, or only a draft, changes nothing.
    declare_conflict(
        round_=world.round,
        application=world.applications[2],
        panellist=kim,
        kind=ConflictKind.MEMBER,
        note="",
        actor=world.staff,
    )
    check(world, 1, 1, 0)
    withdraw_conflict(
        conflict=conflict, reason="Declared on the wrong application", actor=world.staff
    )
    check(world, 2, 1, 0)  # counted again
    # Declared again and withdrawn again: the same each time.
    again = declare_conflict(
        round_=world.round,
        application=world.applications[0],
        panellist=olu,
        kind=ConflictKind.OTHER,
        note="",
        actor=olu,
    )
    check(world, 1, 1, 0)
    withdraw_conflict(conflict=again, reason="Not a conflict after all", actor=world.staff)
    check(world, 2, 1, 0)


def test_changes_by_hand_keep_the_count_too(world: ScoringWorld) -> None:
    """What the app never does, but a script or a console might: the database still keeps it."""
    pat, olu, kim = world.panellists
    a0, a1, _a2 = world.applications
    gen_review(a0, pat, scores=[3, 3, 3])
    gen_review(a0, olu, scores=[3, 3, 3])
    gen_review(a1, kim, scores=[3, 3, 3])
    draft = gen_review(a1, pat, scores=[3, None, None], status=ReviewStatus.DRAFT)
    check(world, 2, 1, 0)
    # A submitted review back to draft, and submitted again.
    review = review_of(world, 0, 1)
    review.status = ReviewStatus.DRAFT
    check(world, 1, 1, 0)
    review_of(world, 0, 1).status = ReviewStatus.SUBMITTED
    check(world, 2, 1, 0)
    # A draft submitted directly while a conflict stands is not counted, then is once withdrawn.
    conflict = gen_conflict(a1, pat)
    check(world, 2, 1, 0)
    db.session.execute(
        sa.update(Review)
        .where(Review.id == draft.id)
        .values(status=ReviewStatus.SUBMITTED, submitted_at=datetime.now(UTC))
    )
    check(world, 2, 1, 0)
    db.session.execute(
        sa.update(Conflict)
        .where(Conflict.id == conflict.id)
        .values(
            withdrawn_at=datetime.now(UTC), withdrawn_by_id=world.staff.id, withdrawn_reason="x"
        )
    )
    check(world, 2, 2, 0)
    # A standing conflict deleted: the review it set aside counts again.
    standing = gen_conflict(a0, olu)
    check(world, 1, 2, 0)
    db.session.execute(sa.delete(Conflict).where(Conflict.id == standing.id))
    check(world, 2, 2, 0)
    # A withdrawn conflict deleted changes nothing.
    db.session.execute(sa.delete(Conflict).where(Conflict.id == conflict.id))
    check(world, 2, 2, 0)
    # A review moved to another application (and its conflict moved with it).
    moving = gen_conflict(a0, kim)
    db.session.execute(
        sa.update(Review).where(Review.id == review_of(world, 1, 2).id).values(application_id=a0.id)
    )
    check(world, 2, 1, 0)  # set aside on a0 by Kim's conflict there
    db.session.execute(
        sa.update(Conflict).where(Conflict.id == moving.id).values(application_id=a1.id)
    )
    check(world, 3, 1, 0)
    # Reviews deleted (their scores go with them): a submitted one, a set-aside one, a draft.
    gen_conflict(a0, pat)
    check(world, 2, 1, 0)
    db.session.execute(sa.delete(Review).where(Review.id == review_of(world, 0, 1).id))
    check(world, 1, 1, 0)  # Olu's counted review gone
    db.session.execute(sa.delete(Review).where(Review.id == review_of(world, 0, 0).id))
    check(world, 1, 1, 0)  # Pat's was set aside: nothing to take away
    db.session.execute(sa.delete(Review))
    check(world, 0, 0, 0)
    assert db.session.execute(sa.select(sa.func.count(Score.id))).scalar_one() == 0


def test_erasing_a_panellists_records_keeps_their_reviews_counted(world: ScoringWorld) -> None:
    pat = world.panellists[0]
    gen_review(world.applications[0], pat, scores=[3, 3, 3])
    check(world, 1, 0, 0)
    erase_record(person=pat, actor=world.staff)
    erase(person=pat, actor=world.staff)
    check(world, 1, 0, 0)


def test_a_synthetic_round_seeded_in_bulk_has_its_counts(app: Flask) -> None:
    """Bulk inserts (seed-synthetic) with conflicts, drafts and submitted reviews."""
    round_ = seed_synthetic(
        applications=25,
        panellists=8,
        criteria_count=2,
        seed=3,
        stage=Stage.SCORING,
        submitted_fraction=0.5,
    )
    db.session.commit()
    counts = stored()
    assert counts == recounted()
    assert sum(counts.values()) > 0
    assert db.session.execute(sa.select(sa.func.count(Conflict.id))).scalar_one() > 0
    # The choice is the rule's: fewest counted reviews, ties by reference.
    first = sa.select(Review.panellist_id).order_by(Review.id).limit(1).scalar_subquery()
    panellist = db.session.execute(sa.select(User).where(User.id == first)).scalar_one()
    chosen = next_to_score(round_=round_, panellist=panellist)
    assert chosen is not None
    done = set(
        db.session.execute(
            sa.select(Review.application_id).where(
                Review.panellist_id == panellist.id, Review.status == ReviewStatus.SUBMITTED
            )
        ).scalars()
    ) | set(
        db.session.execute(
            sa.select(Conflict.application_id).where(
                Conflict.panellist_id == panellist.id, Conflict.withdrawn_at.is_(None)
            )
        ).scalars()
    )
    applications = db.session.execute(
        sa.select(Application).where(Application.round_id == round_.id)
    ).scalars()
    expected = min(
        (a for a in applications if a.id not in done and a.status == "eligible"),
        key=lambda a: (counts[a.id], a.reference),
    )
    assert chosen.id == expected.id


def test_a_review_that_goes_below_zero_is_refused(world: ScoringWorld) -> None:
    """The column's CHECK: a count can never be negative (a broken trigger would show here)."""
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.update(Application)
            .where(Application.id == world.applications[0].id)
            .values(counted_reviews=-1)
        )
        db.session.flush()
    db.session.rollback()


# ------------------------------------------------------------ PostgreSQL: at the same time


def _in_other_transaction(app: Flask, work: Callable[[sa.Connection], None]) -> threading.Thread:
    """Start `work` on its own connection in a thread; it commits when `work` returns."""

    def run() -> None:
        with app.app_context(), db.engine.begin() as conn:
            work(conn)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL only: SQLite has one writer at a time")
@pytest.mark.parametrize("first", ["review", "conflict"])
def test_a_review_submitted_while_a_conflict_is_declared_is_counted_once_both_commit(
    app: Flask, world: ScoringWorld, first: str
) -> None:
    """Two transactions at once on one application: a review submitted, and a conflict declared
    on it. Whichever writes first, the other waits for it and then sees it: the count ends as a
    recount says (0: the review is set aside), never stale."""
    pat = world.panellists[0]
    application = world.applications[0]
    draft = gen_review(application, pat, scores=[3, 3, 3], status=ReviewStatus.DRAFT)
    values = {
        "round_id": world.round.id,
        "application_id": application.id,
        "panellist_id": pat.id,
        "kind": "member",
        "note": "",
        "declared_by_id": pat.id,
        "declared_at": datetime.now(UTC),
    }
    db.session.commit()

    def submit(conn: sa.Connection) -> None:
        conn.execute(
            sa.update(Review)
            .where(Review.id == draft.id)
            .values(status="submitted", submitted_at=datetime.now(UTC))
        )

    def declare(conn: sa.Connection) -> None:
        conn.execute(sa.insert(Conflict).values(**values))

    works = {"review": submit, "conflict": declare}
    second = "conflict" if first == "review" else "review"
    with db.engine.connect() as holder:
        holder.begin()
        works[first](holder)  # written, not yet committed
        waiting = _in_other_transaction(app, works[second])
        time.sleep(0.5)
        waited = waiting.is_alive()
        holder.commit()
    waiting.join(timeout=30)
    assert not waiting.is_alive()
    db.session.expire_all()
    assert stored()[application.id] == recounted()[application.id] == 0
    assert waited, "the second transaction should have waited for the first"
