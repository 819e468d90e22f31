"""Score-save latency (p95, max) with and without a background xlsx export running.

Usage: .venv/bin/python benchmarks/save_latency.py [--applications 500] [--panellists 30]
       [--criteria 12] [--saves 40] [--database-url postgresql+psycopg://...]
A synthetic round at the Scoring stage (90% of reviews submitted, so the export is large); a
panellist saves drafts through the app (test client; each save after a page view giving the
version), first with nothing else running, then while an export job runs in a separate
process (`jobs.run_job`, as a worker runs it). The job is a process of its own so that what is
measured is the database's locking, not two threads sharing Python. Prints figures; asserts
nothing. Target: p95 with the export within 1.5x of p95 without, and no save over 300 ms.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time

from _setup import PASSWORD, make_app

from panel.extensions import db

TARGET = 1.5
MAX_MS = 300.0


def run_job_process(database_url: str, job_id: int) -> None:
    """In the child process: run the queued job as a worker would."""
    app, _ = make_app(database_url)
    from panel.results.exports import jobs

    jobs.run_job(app, job_id)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--job":
        run_job_process(sys.argv[2], int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=500)
    parser.add_argument("--panellists", type=int, default=30)
    parser.add_argument("--criteria", type=int, default=12)
    parser.add_argument("--saves", type=int, default=40)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    from panel.applications.queries import eligible_in_round
    from panel.models import Application, Conflict, FundingRound, Review, Stage, User
    from panel.results import exports as ex
    from panel.results.exports import jobs
    from panel.results.synthetic import seed_synthetic

    app, url = make_app(args.database_url)
    app.config["PANEL_WEB_BUSY_SECONDS"] = 15  # measure the wait, not a 503
    with app.app_context():
        round_ = seed_synthetic(
            applications=args.applications,
            panellists=args.panellists,
            criteria_count=args.criteria,
            seed=1,
            stage=Stage.SCORING,
            submitted_fraction=0.9,
            password=PASSWORD,
        )
        round_id, staff_id = round_.id, round_.created_by_id
        db.session.commit()
        email = f"{round_.slug}.p1@example.invalid"
        user_id = db.session.execute(db.select(User.id).where(User.email == email)).scalar_one()
        submitted = set(
            db.session.execute(
                db.select(Review.application_id).where(
                    Review.panellist_id == user_id, Review.status == "submitted"
                )
            ).scalars()
        )
        conflicted = set(
            db.session.execute(
                db.select(Conflict.application_id).where(Conflict.panellist_id == user_id)
            ).scalars()
        )
        targets = [  # applications this panellist may score and has not submitted
            a
            for a in db.session.execute(
                db.select(Application.id).where(eligible_in_round(round_id))
            ).scalars()
            if a not in submitted and a not in conflicted
        ][:5]
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})

    def one_save(n: int) -> float:
        url_ = f"/rounds/{round_id}/scoring/{targets[n % len(targets)]}"
        page = client.get(url_).text
        fields = sorted(set(re.findall(r'name="(score_\d+)"', page)))
        version = re.search(r'name="version"[^>]*value="(\d+)"', page)
        assert version, "no version field"
        data = {f: str((n + i) % 5 + 1) for i, f in enumerate(fields)}
        data.update(version=version[1], action="draft", overall_comment=f"draft {n}")
        start = time.perf_counter()
        saved = client.post(url_, data=data)
        took = time.perf_counter() - start
        assert saved.status_code == 302, (saved.status_code, saved.text[:200])
        return took

    quiet = [one_save(n) for n in range(args.saves)]

    with app.app_context():
        staff = db.session.get(User, staff_id)
        round_ = db.session.get(FundingRound, round_id)
        assert staff is not None and round_ is not None
        job = jobs.start_job(round_=round_, options=ex.ExportOptions("xlsx"), actor=staff)
        db.session.commit()
        job_id = job.id
    child = subprocess.Popen([sys.executable, __file__, "--job", url, str(job_id)])
    busy: list[float] = []
    started = time.perf_counter()
    n = args.saves
    while child.poll() is None or len(busy) < 5:
        busy.append(one_save(n))
        n += 1
    child.wait()
    job_seconds = time.perf_counter() - started
    with app.app_context():
        status = db.session.execute(
            db.text("SELECT status FROM export_job WHERE id = :id"), {"id": job_id}
        ).scalar_one()

    def line(label: str, times: list[float]) -> str:
        return (
            f"{label}: {len(times)} saves, median {statistics.median(times) * 1000:.1f} ms, "
            f"p95 {percentile(times, 95) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms"
        )

    print(f"Database: {url.split(':', 1)[0]}")
    print(line("without an export", quiet))
    print(line("during the export ", busy) + f" (job {status}, {job_seconds:.1f} s)")
    over = sum(1 for t in busy if t * 1000 > MAX_MS)
    print(f"saves over {MAX_MS:g} ms during the export: {over}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    ratio = percentile(busy, 95) / percentile(quiet, 95)
    print(f"ratio: {ratio:.2f}x (target <= {TARGET}x; p95 during / without an export)")


if __name__ == "__main__":
    main()
