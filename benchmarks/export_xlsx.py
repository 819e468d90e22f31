"""Time the xlsx export and its peak memory beside the fastest bare writer of the same cells.

Usage: .venv/bin/python benchmarks/export_xlsx.py [--applications 500] [--panellists 30]
       [--criteria 12] [--repeat 3] [--seed 1] [--database-url postgresql+psycopg://...]
Two bare scripts write the same cells (the export's rows, fetched beforehand): XlsxWriter in
constant-memory mode (`write_row`) and openpyxl write-only with lxml (`ws.append`); no database,
no formula safety, no number formats. The export is compared with the faster of the two.
Prints figures; asserts nothing. Target: export time <= 1.2x the fastest bare writer; export
peak memory (tracemalloc) within 50 MB whatever the round's size.
"""

from __future__ import annotations

import os
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import xlsxwriter
from _setup import make_app, round_parser, seed_from_args
from openpyxl import Workbook

from panel.extensions import db

TARGET = 1.2


def measure(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """(median seconds, peak traced MB) of fn over `repeat` runs; memory from the first run."""
    import statistics

    times: list[float] = []
    peak = 0.0
    for n in range(repeat):
        if n == 0:
            tracemalloc.start()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
        if n == 0:
            peak = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
    return statistics.median(times), peak


def main() -> None:
    parser = round_parser(__doc__.splitlines()[0], repeat=3)
    args = parser.parse_args()

    app, url = make_app(args.database_url)
    print(f"Database: {sa.make_url(url).render_as_string(hide_password=True)}")
    from panel.models import FundingRound
    from panel.results import exports as ex
    from panel.results.services import compute

    folder = Path(tempfile.mkdtemp(prefix="panel-export-bench-"))
    with app.app_context():
        round_id = seed_from_args(args)
        db.session.remove()

        def export() -> None:
            db.session.remove()
            round_ = db.session.get(FundingRound, round_id)
            with (folder / "export.xlsx").open("wb") as out:
                ex.write_export(round_, ex.ExportOptions("xlsx"), out)
            db.session.rollback()

        t_export, m_export = measure(export, args.repeat)

        # The same cells as plain rows, fetched before the bare script's clock starts.
        round_ = db.session.get(FundingRound, round_id)
        results = compute(round_)
        names = ex.Names(round_id, anonymise=False)
        sheets = [
            ex.summary_sheet(results),
            ex.scores_sheet(results, names, db.session),
            ex.reviews_sheet(results, names, db.session),
            ex.criteria_sheet(results, names),
            ex.conflicts_sheet(round_id, names, anonymise=False),
            ex.decisions_sheet(round_id, names),
        ]
        plain = [
            (s.name, [c.title for c in s.columns], [_plain(row) for row in s.rows]) for s in sheets
        ]
        cells = sum(len(rows) * len(header) for _name, header, rows in plain)
        db.session.remove()

    def bare_openpyxl() -> None:
        book = Workbook(write_only=True)
        for name, header, rows in plain:
            ws = book.create_sheet(name)
            ws.append(header)
            for row in rows:
                ws.append(row)
        book.save(folder / "bare-openpyxl.xlsx")

    def bare_xlsxwriter() -> None:
        book = xlsxwriter.Workbook(
            str(folder / "bare-xlsxwriter.xlsx"),
            {"constant_memory": True, "default_date_format": "yyyy-mm-dd h:mm:ss"},
        )
        for name, header, rows in plain:
            ws = book.add_worksheet(name)
            ws.write_row(0, 0, header)
            for number, row in enumerate(rows, start=1):
                ws.write_row(number, 0, row)
        book.close()

    t_xw, m_xw = measure(bare_xlsxwriter, args.repeat)
    t_op, m_op = measure(bare_openpyxl, args.repeat)
    size = (folder / "export.xlsx").stat().st_size / 1e6
    print(f"cells written:                {cells:,} ({size:.1f} MB file)")
    print(f"export (xlsx, streamed):      {t_export:.2f} s, peak traced memory {m_export:.1f} MB")
    print(f"bare XlsxWriter constant mem: {t_xw:.2f} s, peak traced memory {m_xw:.1f} MB")
    print(f"bare openpyxl write-only+lxml:{t_op:.2f} s, peak traced memory {m_op:.1f} MB")
    fastest = min(t_xw, t_op)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"ratio: {t_export / fastest:.2f}x (target <= {TARGET}x)")


def _plain(row: Any) -> list[Any]:
    out = []
    for value in row:
        if hasattr(value, "tzinfo") and value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        out.append(value)
    return out


if __name__ == "__main__":
    main()
