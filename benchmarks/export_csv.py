"""Time the per-score csv export beside the xlsx workbook of the same round.

Usage: .venv/bin/python benchmarks/export_csv.py [--applications 500] [--panellists 30]
       [--criteria 12] [--repeat 3] [--seed 1] [--database-url postgresql+psycopg://...]
Both are made as `flask export` makes them (`write_export` into a file), from the same
synthetic round, each the median of --repeat runs. A command is a new process with no analysis
remembered, so the app's remembered analyses are cleared before every run of either (without
that, the xlsx after its first run skipped the round's analysis). Prints figures; asserts
nothing. Target: the csv at least 10x faster.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from _setup import make_app, round_parser, seed_from_args

from panel.extensions import db

TARGET = 10.0


def main() -> None:
    parser = round_parser(__doc__.splitlines()[0], repeat=3)
    args = parser.parse_args()

    app, url = make_app(args.database_url)
    print(f"Database: {sa.make_url(url).render_as_string(hide_password=True)}")
    from panel.models import FundingRound
    from panel.results import exports as ex
    from panel.results.services import analyses

    folder = Path(tempfile.mkdtemp(prefix="panel-csv-bench-"))
    with app.app_context():
        round_id = seed_from_args(args)

        def timed(fmt: str) -> float:
            times = []
            for _ in range(args.repeat):
                db.session.remove()
                analyses().entries.clear()  # as in a new `flask export` process
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
