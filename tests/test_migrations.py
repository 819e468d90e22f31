"""Alembic: migrations build the models' schema from empty, step down and up again (item 27)."""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from panel import create_app
from panel.extensions import db
from tests.conftest import POSTGRES_URL, base_config


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it, on this run's kind of server."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    server = sa.make_url(POSTGRES_URL)
    name = f"panel_migrate_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _differences(app_db_engine: sa.Engine) -> list[object]:
    with app_db_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, db.metadata))


def test_migrations_from_empty_match_the_models_and_step_down_and_up(empty_database: str) -> None:
    """Item 27: upgrade from empty, down and up, and a drift check."""
    app = create_app(base_config(empty_database))
    with app.app_context():
        upgrade()
        assert _differences(db.engine) == [], "models and migrations disagree: add a migration"
        downgrade(revision="-1")
        upgrade()
        assert _differences(db.engine) == []
        downgrade(revision="base")
        upgrade()
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"user_account", "funding_round", "audit_event", "alembic_version"} <= tables
        with db.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO audit_event (at, object_type, action) "
                "VALUES (CURRENT_TIMESTAMP, 'test', 'test.migrated')"
            )
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), db.engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM audit_event")
        db.engine.dispose()


def _triggers(engine: sa.Engine) -> dict[str, str]:
    """Every trigger (and PostgreSQL trigger function) by name, with its definition."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            ).all()
        else:
            rows = conn.exec_driver_sql(
                "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal "
                "UNION ALL SELECT proname, prosrc FROM pg_proc "
                "WHERE pronamespace = 'public'::regnamespace"
            ).all()
    return {name: definition for name, definition in rows}


def test_the_migrations_make_the_same_triggers_and_checks_as_the_models(
    empty_database: str, database_url: str
) -> None:
    """compare_metadata sees neither triggers nor CHECK constraints: compare them here."""
    migrated = create_app(base_config(empty_database))
    with migrated.app_context():
        upgrade()
        from_migrations = _triggers(db.engine)
        checks = {c["name"] for c in sa.inspect(db.engine).get_check_constraints("application")}
        db.engine.dispose()
    models = sa.create_engine(database_url)
    try:
        assert from_migrations == _triggers(models)
        assert {"review_counted_update", "conflict_counted_update"} <= set(from_migrations)
        expected = {c["name"] for c in sa.inspect(models).get_check_constraints("application")}
        assert "ck_application_counted_reviews_not_negative" in expected
        assert checks == expected
    finally:
        models.dispose()


def test_the_counted_reviews_migration_fills_the_count_of_a_round_in_progress(
    empty_database: str,
) -> None:
    """0016 on a database with reviews and conflicts: each application gets its count, and the
    triggers keep it from then on; stepping down removes the column, and up again refills it."""
    from panel.models import Application, Review
    from panel.scoring.services.lookups import is_counted
    from tests.factories import gen_conflict, gen_review, gen_staff
    from tests.worlds import gen_scoring_world

    def counts() -> tuple[list[int], list[int]]:
        stored = db.session.execute(
            sa.select(Application.counted_reviews).order_by(Application.id)
        ).scalars()
        by_id = dict(
            db.session.execute(
                sa.select(Review.application_id, sa.func.count(Review.id))
                .where(is_counted())
                .group_by(Review.application_id)
            ).all()
        )
        ids = db.session.execute(sa.select(Application.id).order_by(Application.id)).scalars()
        return list(stored), [by_id.get(i, 0) for i in ids]

    app = create_app(base_config(empty_database))
    with app.app_context():
        upgrade()
        world = gen_scoring_world(gen_staff())
        pat, olu, kim = world.panellists
        a0, a1, _a2 = world.applications
        for panellist in (pat, olu, kim):
            gen_review(a0, panellist, scores=[3, 3, 3])
        gen_review(a1, pat, scores=[3, 3, 3])
        gen_review(a1, olu, scores=[3, None, None], status="draft")
        gen_conflict(a0, kim)  # sets Kim's submitted review aside
        gen_conflict(a1, pat, withdrawn_by=world.staff)  # withdrawn: Pat's review counts
        db.session.commit()
        a0_id, pat_id = a0.id, pat.id
        assert counts() == ([2, 1, 0], [2, 1, 0])
        db.session.remove()
        downgrade(revision="score_values")
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("application")}
        assert "counted_reviews" not in columns
        with db.engine.begin() as conn:  # Olu submits on a1 while no trigger counts it
            conn.exec_driver_sql(
                "UPDATE review SET status = 'submitted', submitted_at = updated_at "
                "WHERE status = 'draft'"
            )
        upgrade()
        assert counts() == ([2, 2, 0], [2, 2, 0])
        db.session.execute(  # from now on the triggers keep it
            sa.update(Review)
            .where(Review.application_id == a0_id, Review.panellist_id == pat_id)
            .values(status="draft")
        )
        db.session.commit()
        assert counts() == ([1, 2, 0], [1, 2, 0])
        db.session.remove()
        db.engine.dispose()


def test_the_score_pack_migration_makes_every_reviews_bytes_from_its_score_rows(
    empty_database: str,
) -> None:
    """0017 on a database with reviews: each gets the bytes of its Score rows at its version,
    by the rule of pack_scores (a gap where a score is empty), and the triggers keep them
    honest from then on; stepping down removes the columns and the triggers."""
    from panel.models import Review, Score
    from panel.models.review import NO_SCORE
    from tests.factories import gen_review, gen_staff
    from tests.worlds import gen_scoring_world

    def packs() -> list[tuple[bytes | None, int | None, int]]:
        rows = db.session.execute(
            sa.select(Review.score_pack, Review.score_pack_version, Review.version).order_by(
                Review.id
            )
        ).all()
        return [(None if p is None else bytes(p), made_at, v) for p, made_at, v in rows]

    app = create_app(base_config(empty_database))
    with app.app_context():
        upgrade()
        world = gen_scoring_world(gen_staff())
        pat, olu, _kim = world.panellists
        a0, a1, _a2 = world.applications
        gen_review(a0, pat, scores=[3, 0, 10], keep_bytes=False, version=4)
        gen_review(a0, olu, scores=[2, None, None], status="draft", keep_bytes=False)
        gen_review(a1, pat, scores=[], keep_bytes=False)
        db.session.commit()
        assert packs() == [(None, None, 4), (None, None, 1), (None, None, 1)]
        db.session.remove()
        downgrade(revision="counted_reviews")
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("review")}
        assert not {"score_pack", "score_pack_version"} & columns
        assert not [name for name in _triggers(db.engine) if name.startswith("score_pack")]
        upgrade()
        assert packs() == [
            (bytes([3, 0, 10]), 4, 4),
            (bytes([2, NO_SCORE, NO_SCORE]), 1, 1),
            (bytes([NO_SCORE] * 3), 1, 1),
        ]
        db.session.execute(sa.update(Score).values(value=1))  # the triggers now mark them stale
        db.session.commit()
        assert [made_at for _, made_at, _ in packs()] == [None, None, 1]
        db.session.remove()
        db.engine.dispose()
