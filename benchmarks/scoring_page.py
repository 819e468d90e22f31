"""Time a panellist's scoring page (GET) and a score save at 30, 500 and 2,000 applications.

Usage: .venv/bin/python benchmarks/scoring_page.py [--sizes 30,500,2000] [--panellists 30]
       [--criteria 12] [--repeat 25] [--database-url postgresql+psycopg://...]
For each size a synthetic round at the Scoring stage (half the reviews submitted) is made in a
fresh scratch database; a panellist signs in, and the page of an application they have not
submitted is fetched `--repeat` times, then saved as a draft `--repeat` times (each save with
the version the page showed; the redirect is not followed). Also prints the queries each takes,
and the median of `progress.next_to_score` called on its own (4 x `--repeat` calls).
Prints figures; asserts nothing. Target: at most 30 ms median at 12 criteria, and the largest
round within 1.2x of the smallest (the ratio printed last, the worse of GET and save).
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import statistics
import time
from typing import Any

import sqlalchemy as sa
from _setup import PASSWORD, make_app

from panel.extensions import db

TARGET = 1.2
LIMIT_MS = 30.0


def one_size(applications: int, args: argparse.Namespace) -> tuple[float, float, int, int, float]:
    """(GET median s, save median s, GET queries, save queries, next_to_score median s) for
    one round size."""
    from panel.models import Application, FundingRound, Review, Stage, User
    from panel.results.synthetic import seed_synthetic
    from panel.scoring.services.progress import next_to_score

    app, _url = make_app(args.database_url)
    with app.app_context():
        round_ = seed_synthetic(
            applications=applications,
            panellists=args.panellists,
            criteria_count=args.criteria,
            seed=1,
            stage=Stage.SCORING,
            submitted_fraction=0.5,
            password=PASSWORD,
        )
        round_id = round_.id
        db.session.commit()
        email = f"{round_.slug}.p1@example.invalid"
        user = db.session.execute(db.select(User).where(User.email == email)).scalar_one()
        done = set(
            db.session.execute(
                db.select(Review.application_id).where(
                    Review.panellist_id == user.id, Review.status == "submitted"
                )
            ).scalars()
        )
        target = next(
            a
            for a in db.session.execute(
                db.select(Application.id).where(Application.round_id == round_id)
            ).scalars()
            if a not in done
        )
        round_ = db.session.get(FundingRound, round_id)
        next_times = []
        for _ in range(args.repeat * 4):
            start = time.perf_counter()
            next_to_score(round_=round_, panellist=user)
            next_times.append(time.perf_counter() - start)
        db.session.remove()
    gc.collect()
    gc.freeze()  # as panel/wsgi.py does once the app is built
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    url = f"/rounds/{round_id}/scoring/{target}"
    page = client.get(url)
    assert page.status_code == 200, (page.status_code, page.text[:300])
    fields = sorted(set(re.findall(r'name="(score_\d+)"', page.text)))

    queries = 0

    def count(*_a: Any, **_k: Any) -> None:
        nonlocal queries
        queries += 1

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", count)

    def get() -> Any:
        return client.get(url)

    def version() -> str:
        found = re.search(r'name="version"[^>]*value="(\d+)"', get().text)
        assert found, "no version field"
        return found[1]

    get_times, save_times = [], []
    get_queries = save_queries = 0
    for n in range(args.repeat):
        queries = 0
        start = time.perf_counter()
        get()
        get_times.append(time.perf_counter() - start)
        get_queries = queries
        data = {f: str((n + i) % 5 + 1) for i, f in enumerate(fields)}
        data.update(version=version(), action="draft", overall_comment=f"draft {n}")
        queries = 0
        start = time.perf_counter()
        saved = client.post(url, data=data)
        save_times.append(time.perf_counter() - start)
        save_queries = queries
        assert saved.status_code == 302, (saved.status_code, saved.text[:300])
    gc.unfreeze()
    return (
        statistics.median(get_times),
        statistics.median(save_times),
        get_queries,
        save_queries,
        statistics.median(next_times),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="30,500,2000")
    parser.add_argument("--panellists", type=int, default=30)
    parser.add_argument("--criteria", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {}
    for size in sizes:
        results[size] = one_size(size, args)
        t_get, t_save, q_get, q_save, t_next = results[size]
        print(
            f"{size:>5} applications: GET {t_get * 1000:6.1f} ms ({q_get} queries), "
            f"save {t_save * 1000:6.1f} ms ({q_save} queries); "
            f"next_to_score alone {t_next * 1000:5.2f} ms"
        )
    first, last = results[sizes[0]], results[sizes[-1]]
    worst = max(max(r[0], r[1]) for r in results.values()) * 1000
    print(f"slowest median: {worst:.1f} ms (target <= {LIMIT_MS:g} ms)")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    ratio = max(last[0] / first[0], last[1] / first[1])
    print(f"ratio: {ratio:.2f}x (target <= {TARGET}x; {sizes[-1]} against {sizes[0]} applications)")


if __name__ == "__main__":
    main()
