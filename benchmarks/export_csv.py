"""Time the per-score csv export beside the xlsx workbook of the same round.

Usage: .venv/bin/python benchmarks/export_csv.py [--applications 500] [--panellists 30]
       [--criteria 12] [--repeat 3] [--seed 1] [--database-url postgresql+psycopg://...]
Both are made as `flask export` makes them (`write_export` into a file), from the same
synthetic round. Prints figures; asserts nothing. Target: the csv at least 10x faster.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from _setup import make_app, seed_round

from panel.extensions import db

TARGET = 10.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=500)
    parser.add_argument("--panellists", type=int, default=30)
    parser.add_argument("--criteria", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    app, url = make_app(args.database_url)
    print(f"Database: {sa.make_url(url).render_as_string(hide_password=True)}")
    from panel.models import FundingRound
    from panel.results import exports as ex

    folder = Path(tempfile.mkdtemp(prefix="panel-csv-bench-"))
    with app.app_context():
        round_id, took = seed_round(args.applications, args.panellists, args.criteria, args.seed)
        print(
            f"seed-synthetic {args.applications} x {args.panellists} x {args.criteria}: "
            f"{took:.1f} s"
        )

        def timed(fmt: str) -> float:
            times = []
            for _ in range(args.repeat):
                db.session.remove()
                round_ = db.session.get(FundingRound, round_id)
                start = time.perf_counter()
                with (folder / f"export.{fmt}").open("wb") as out:
                    ex.write_export(round_, ex.ExportOptions(fmt), out)
                times.append(time.perf_counter() - start)
                db.session.rollback()
            return statistics.median(times)

        t_csv = timed("scores-csv")
        t_xlsx = timed("xlsx")
    rows = (folder / "export.scores-csv").read_bytes().count(b"\n") - 1
    print(f"scores csv:  {t_csv:.2f} s ({rows:,} rows)")
    print(f"xlsx:        {t_xlsx:.2f} s (every sheet)")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"ratio: {t_xlsx / t_csv:.1f}x faster (target >= {TARGET:g}x)")


if __name__ == "__main__":
    main()
