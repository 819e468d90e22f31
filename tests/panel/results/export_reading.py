"""Readers of what an export wrote: its bytes, its workbook, a sheet's rows as records."""

import io
from typing import Any

from openpyxl import load_workbook

from panel.extensions import db
from panel.models import FundingRound
from panel.results import exports as ex


def export_bytes(round_id: int, fmt: str, **options: Any) -> bytes:
    out = io.BytesIO()
    ex.write_export(db.session.get(FundingRound, round_id), ex.ExportOptions(fmt, **options), out)
    db.session.rollback()
    return out.getvalue()


def workbook(data: bytes) -> Any:
    return load_workbook(io.BytesIO(data), read_only=False)


def records(ws: Any) -> list[dict[str, Any]]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def all_text(book: Any) -> str:
    return "\n".join(
        str(cell.value) for ws in book.worksheets for row in ws.iter_rows() for cell in row
    )
