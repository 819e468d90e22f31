"""Time a panellist's scoring page (GET) and a score save at 30, 500 and 2,000 applications.

Usage: .venv/bin/python benchmarks/scoring_page.py [--sizes 30,500,2000] [--panellists 30]
       [--criteria 12] [--repeat 25] [--database-url postgresql+psycopg://...]
For each size a synthetic round at the Scoring stage (half the reviews submitted) is made in a
fresh scratch database, and a panellist signs in. Then, `--repeat` times and taking the sizes
in turn (so load from other work falls on every size alike), the page of an application they
have not submitted is fetched and saved as a draft (with the version a fresh page shows; the
redirect is not followed). Prints the medians of wall and CPU time and the queries each takes,
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


class Size:
    """One round size: its own app and scratch database, a signed-in panellist, their times."""

    def __init__(self, applications: int, args: argparse.Namespace) -> None:
        from panel.models import Application, FundingRound, Review, Stage, User
        from panel.results.synthetic import seed_synthetic
        from panel.scoring.services.progress import next_to_score

        self.applications = applications
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
            self.next_median = statistics.median(next_times)
            db.session.remove()
        self.client = app.test_client()
        self.client.post("/login", data={"email": email, "password": PASSWORD})
        self.url = f"/rounds/{round_id}/scoring/{target}"
        page = self.client.get(self.url)
        assert page.status_code == 200, (page.status_code, page.text[:300])
        self.fields = sorted(set(re.findall(r'name="(score_\d+)"', page.text)))
        self.queries = 0
        with app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", self._count)
        # (wall, CPU) seconds of each GET and save; the queries of the last of each.
        self.gets: list[tuple[float, float]] = []
        self.saves: list[tuple[float, float]] = []
        self.get_queries = self.save_queries = 0

    def _count(self, *_a: Any, **_k: Any) -> None:
        self.queries += 1

    def _timed(self, call: Any) -> tuple[Any, tuple[float, float]]:
        self.queries = 0
        wall, cpu = time.perf_counter(), time.process_time()
        result = call()
        return result, (time.perf_counter() - wall, time.process_time() - cpu)

    def step(self, n: int) -> None:
        """One timed GET, then one timed draft save with the version a fresh page shows."""
        _page, took = self._timed(lambda: self.client.get(self.url))
        self.gets.append(took)
        self.get_queries = self.queries
        found = re.search(r'name="version"[^>]*value="(\d+)"', self.client.get(self.url).text)
        assert found, "no version field"
        data = {f: str((n + i) % 5 + 1) for i, f in enumerate(self.fields)}
        data.update(version=found[1], action="draft", overall_comment=f"draft {n}")
        saved, took = self._timed(lambda: self.client.post(self.url, data=data))
        assert saved.status_code == 302, (saved.status_code, saved.text[:300])
        self.saves.append(took)
        self.save_queries = self.queries

    def medians(self, which: int) -> tuple[float, float]:
        """(GET, save) medians of wall (0) or CPU (1) time, in seconds."""
        return (
            statistics.median(t[which] for t in self.gets),
            statistics.median(t[which] for t in self.saves),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="30,500,2000")
    parser.add_argument("--panellists", type=int, default=30)
    parser.add_argument("--criteria", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    built = [Size(int(s), args) for s in args.sizes.split(",")]
    gc.collect()
    gc.freeze()  # as panel/wsgi.py does once the app is built
    # Round robin: each repeat times every size once, so a busy moment on a shared machine
    # falls on all sizes alike instead of on whichever size was running then.
    for n in range(args.repeat):
        for size in built:
            size.step(n)
    gc.unfreeze()
    for size in built:
        (t_get, t_save), (c_get, c_save) = size.medians(0), size.medians(1)
        print(
            f"{size.applications:>5} applications: GET {t_get * 1000:6.1f} ms "
            f"(CPU {c_get * 1000:5.1f} ms, {size.get_queries} queries), "
            f"save {t_save * 1000:6.1f} ms (CPU {c_save * 1000:5.1f} ms, "
            f"{size.save_queries} queries); next_to_score alone {size.next_median * 1000:5.2f} ms"
        )
    first, last = built[0], built[-1]
    worst = max(max(s.medians(0)) for s in built) * 1000
    print(f"slowest median: {worst:.1f} ms (target <= {LIMIT_MS:g} ms)")
    cpu = max(b / a for a, b in zip(first.medians(1), last.medians(1), strict=True))
    print(f"CPU time ratio: {cpu:.2f}x ({last.applications} against {first.applications})")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    ratio = max(b / a for a, b in zip(first.medians(0), last.medians(0), strict=True))
    print(
        f"ratio: {ratio:.2f}x (target <= {TARGET}x; "
        f"{last.applications} against {first.applications} applications)"
    )


if __name__ == "__main__":
    main()
