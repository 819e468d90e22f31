"""Time the results (compute() and, when routed, the staff results page) beside one SQL GROUP BY.

Usage: .venv/bin/python benchmarks/results_page.py [--applications 500] [--panellists 30]
       [--criteria 12] [--repeat 5] [--seed 1] [--database-url postgresql+psycopg://...]
Without --database-url it uses a temporary SQLite file; with one, the database should be an
empty scratch database (tables are created in it). Prints figures; asserts nothing.
Targets: page (or compute) time <= 2x the GROUP BY; the page's query count must not grow from
100 to 500 applications.

The page is timed three ways: with a fresh analysis (the app's remembered analyses cleared
before every request: a worker's first view of the round), after one review was revised (the
first view after a change: only that review is read again before the engine reruns), and
with the analysis remembered (every later view until the round changes). Before timing, the
objects of start-up and seeding are frozen out of the garbage collector, as panel/wsgi.py does
in a gunicorn worker.
"""

from __future__ import annotations

import gc
import os
import time
from typing import Any

import sqlalchemy as sa
from _setup import (
    PASSWORD,
    conflicted_email,
    fmt_ms,
    make_app,
    median_time,
    round_parser,
    seed_from_args,
    seed_round,
    staff_email,
)

from panel.extensions import db

TARGET = 2.0
FIRST_VIEW_LIMIT = 0.150  # issue 20, target 4: a worker's first view of the results


def group_by(round_id: int) -> list[Any]:
    """The floor: one GROUP BY over the same submitted scores, weighted like a sheet score."""
    from panel.models import Review, RubricCriterion, Score

    return list(
        db.session.execute(
            sa.select(
                Review.application_id,
                sa.func.sum(Score.value * RubricCriterion.weight),
                sa.func.sum(RubricCriterion.weight),
                sa.func.count(sa.distinct(Review.id)),
            )
            .join(Review, Score.review_id == Review.id)
            .join(RubricCriterion, Score.rubric_criterion_id == RubricCriterion.id)
            .where(Review.round_id == round_id, Review.status == "submitted")
            .group_by(Review.application_id)
        )
    )


REVISED = {"n": 0}


def revise_one(app: Any, round_id: int) -> None:
    """Change one submitted score, bump its review's version and remake its kept bytes, as a
    save at the meeting does."""
    from panel.models import Review, Rubric, Score
    from panel.models.review import pack_scores

    with app.app_context():
        REVISED["n"] += 1
        review_id = db.session.execute(
            sa.text(
                "SELECT id FROM review WHERE round_id = :r AND status = 'submitted' "
                "ORDER BY id LIMIT 1 OFFSET :k"
            ),
            {"r": round_id, "k": REVISED["n"] * 7},
        ).scalar_one()
        db.session.execute(
            sa.text(
                "UPDATE score SET value = 5 - value WHERE id = "
                "(SELECT min(id) FROM score WHERE review_id = :v)"
            ),
            {"v": review_id},
        )
        review = db.session.get(Review, review_id)
        rubric = db.session.get(Rubric, review.rubric_id)
        scores = sa.select(Score.rubric_criterion_id, Score.value)
        values = dict(db.session.execute(scores.where(Score.review_id == review_id)).all())
        review.version += 1
        review.score_pack = pack_scores(values.get(c.id) for c in rubric.scored)
        review.score_pack_version = review.version
        db.session.commit()


def main() -> None:
    parser = round_parser(__doc__.splitlines()[0], repeat=5)
    args = parser.parse_args()

    app, url = make_app(args.database_url)
    print(f"Database: {sa.make_url(url).render_as_string(hide_password=True)}")
    from panel.models import FundingRound
    from panel.results.services import compute

    with app.app_context():
        big = seed_from_args(args)
        small, _ = seed_round(100, args.panellists, args.criteria, args.seed + 1)
        email = staff_email(big)
        small_email = staff_email(small)
        panellist_email = conflicted_email(big)

        def forget() -> None:
            from panel.results.services import analyses

            analyses().entries.clear()

        def run_compute(round_id: int = big) -> None:
            db.session.remove()
            forget()
            compute(db.session.get(FundingRound, round_id))

        def run_group_by() -> None:
            db.session.remove()
            group_by(big)

        gc.collect()
        gc.freeze()  # as panel/wsgi.py does once the app is built
        t_compute = median_time(run_compute, args.repeat)
        t_group = median_time(run_group_by, args.repeat)
        db.session.remove()

    has_page = "results.results" in app.view_functions
    t_page = t_warm = t_changed = t_conflicted = t_conflicted_warm = cpu_page = None
    counts: dict[int, int] = {}
    if has_page:
        client = app.test_client()

        def page_for(round_id: int, who: str) -> Any:
            client.post("/logout")
            client.post("/login", data={"email": who, "password": PASSWORD})
            return lambda: client.get(f"/rounds/{round_id}/results")

        get_big = page_for(big, email)
        assert get_big().status_code == 200

        def fresh() -> Any:
            with app.app_context():
                forget()
            return get_big()

        t_page = median_time(fresh, args.repeat)
        cpu_page = median_time(fresh, args.repeat, clock=time.process_time)
        t_warm = median_time(get_big, args.repeat)
        get_big()
        t_changed = median_time(get_big, args.repeat, before=lambda: revise_one(app, big))
        # A panellist with a conflict is shown an analysis without the applications hidden
        # from them: worked out from the reviews already read, then remembered beside staff's.
        get_theirs = page_for(big, panellist_email)
        assert get_theirs().status_code == 200

        def staff_view_only() -> None:
            with app.app_context():
                forget()
            page_for(big, email)()
            page_for(big, panellist_email)

        def theirs_after_staff() -> Any:
            return get_theirs()

        t_conflicted = median_time(theirs_after_staff, args.repeat, before=staff_view_only)
        get_theirs()
        t_conflicted_warm = median_time(get_theirs, args.repeat)
        with app.app_context():
            engine = db.engine
        for round_id, who in ((small, small_email), (big, email)):
            get = page_for(round_id, who)
            statements: list[str] = []

            def count(*a: Any, statements: list[str] = statements) -> None:
                statements.append(a[2])

            with app.app_context():
                forget()
            sa.event.listen(engine, "before_cursor_execute", count)
            try:
                response = get()
            finally:
                sa.event.remove(engine, "before_cursor_execute", count)
            assert response.status_code == 200
            counts[round_id] = len(statements)
    else:
        with app.app_context():
            for round_id in (small, big):
                statements = []

                def count(*a: Any, statements: list[str] = statements) -> None:
                    statements.append(a[2])

                sa.event.listen(db.engine, "before_cursor_execute", count)
                try:
                    run_compute(round_id)
                finally:
                    sa.event.remove(db.engine, "before_cursor_execute", count)
                counts[round_id] = len(statements)

    print(f"compute(), fresh analysis:         {fmt_ms(t_compute)}")
    if t_page is not None and t_warm is not None:
        print(f"results page, fresh analysis:      {fmt_ms(t_page)}  (a worker's first view)")
        print(
            f"  the same, CPU time of this process: {fmt_ms(cpu_page or 0)}  (on SQLite the "
            "database's work is in it; less moved by other work on the machine)"
        )
        print(
            f"results page, one review revised:  {fmt_ms(t_changed)}  (first view after a change)"
        )
        print(f"results page, analysis remembered: {fmt_ms(t_warm)}  (later views)")
        print(
            f"conflicted panellist, first view:  {fmt_ms(t_conflicted)}  (staff's analysis "
            "remembered; theirs leaves out the applications hidden from them)"
        )
        print(f"conflicted panellist, remembered:  {fmt_ms(t_conflicted_warm)}")
    else:
        print("results page:                      not routed yet; timing compute() only")
    print(f"one SQL GROUP BY:                  {fmt_ms(t_group)}")
    measured = (
        [
            ("page, fresh", t_page),
            ("page, one review revised", t_changed),
            ("page, remembered", t_warm),
            ("conflicted page, first view", t_conflicted),
            ("conflicted page, remembered", t_conflicted_warm),
        ]
        if t_page
        else []
    )
    for label, seconds in measured or [("compute", t_compute)]:
        assert seconds is not None
        ratio = seconds / t_group
        verdict = "meets" if ratio <= TARGET else "misses"
        print(f"ratio {label} / GROUP BY: {ratio:.2f}x ({verdict} the target of <= {TARGET}x)")
    label = "fresh page" if t_page is not None else "compute"
    print(
        f"queries per {label}: {counts[small]} at 100 applications, {counts[big]} at "
        f"{args.applications} ({'constant' if counts[small] == counts[big] else 'GROWS'})"
    )
    first = t_page if t_page is not None else t_compute
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"ratio: {first / FIRST_VIEW_LIMIT:.2f}x (target <= 1.0x; a fresh worker's first view "
        f"{first * 1000:.0f} ms against {FIRST_VIEW_LIMIT * 1000:.0f} ms)"
    )


if __name__ == "__main__":
    main()
