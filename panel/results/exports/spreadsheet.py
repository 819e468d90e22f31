"""The spreadsheet writer: typed cells, write-only xlsx sheets and CSV, never a formula.

Formula injection (OWASP "CSV injection", docs/security.md item 20): every user-written string is
written as text. openpyxl stores any string longer than one character that begins with "=" as a
formula, in write-only mode too, so risky strings become text cells with a quote prefix; in CSV
they get a leading apostrophe. Control characters a workbook cannot hold are stripped.
"""

import csv
import io
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

# A string starting with one of these would be run as a formula by some spreadsheet program.
RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

CELL_LIMIT = 32_767  # Excel's longest cell text

MONEY_FORMAT = '"£"#,##0.00'

FIGURE_FORMAT = "0.0000"

PERCENT_FORMAT = "0.00"

PROGRESS_EVERY = 2_000


def clean(value: str) -> str:
    """Text a workbook can hold: control characters openpyxl refuses are removed, long cut."""
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if len(text) > CELL_LIMIT:
        text = text[: CELL_LIMIT - 1] + "…"
    return text


def csv_safe(value: str) -> str:
    """A CSV field that no spreadsheet will run as a formula (a leading apostrophe if risky)."""
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + text if text.startswith(RISKY_STARTS) else text


@dataclass(frozen=True)
class Column:
    """One column: its header, kind of value and width in characters."""

    title: str
    kind: str = "text"  # text | int | figure | percent | money | datetime | date
    width: float = 14


@dataclass
class Sheet:
    """A sheet to write: a name, columns and rows of plain values (money in pence)."""

    name: str
    columns: list[Column]
    rows: Iterable[Sequence[Any]]
    wrap: bool = False
    progress_rows: bool = False  # its rows count towards an export's progress
    meta: dict[str, Any] = field(default_factory=dict)


class XlsxWriter:
    """A write-only workbook whose cells are typed by column kind; user text is never a formula."""

    def __init__(self) -> None:
        self.workbook = Workbook(write_only=True)
        self._bold = Font(bold=True)

    def _text_cell(self, ws: Any, value: str, wrap: bool) -> Any:
        text = clean(value)
        if not text.startswith(RISKY_STARTS) and not wrap:
            return text
        cell = WriteOnlyCell(ws, text)
        cell.data_type = "s"  # never "f", whatever the text begins with
        if text.startswith(RISKY_STARTS):
            cell.quotePrefix = True
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        return cell

    def _converter(self, ws: Any, column: Column, wrap: bool) -> Callable[[Any], Any]:
        kind = column.kind

        def styled(value: Any, number_format: str) -> Any:
            cell = WriteOnlyCell(ws, value)
            cell.number_format = number_format
            return cell

        if kind == "text":
            # References, names and titles repeat on every score row: clean each once.
            # Cells with a style are made afresh (openpyxl writes them one by one).
            cache: dict[str, Any] = {}

            def text(v: Any) -> Any:
                if v is None or v == "":
                    return None
                found = cache.get(v)
                if found is not None:
                    return found
                made = self._text_cell(ws, str(v), wrap)
                if isinstance(made, str) and len(cache) < 10_000 and len(made) < 200:
                    cache[v] = made
                return made

            return text
        if kind == "int":
            return lambda v: v
        if kind == "figure":
            return lambda v: None if v is None else styled(v, FIGURE_FORMAT)
        if kind == "percent":
            return lambda v: None if v is None else styled(v, PERCENT_FORMAT)
        if kind == "money":
            return lambda v: None if v is None else styled(v / 100, MONEY_FORMAT)
        if kind == "datetime":
            # openpyxl gives a datetime its own date-and-time format: no second style lookup.
            return lambda v: None if v is None else naive_utc(v)
        if kind == "date":
            return lambda v: None if v is None else v
        raise ValueError(f"unknown column kind {kind}")

    def add(self, sheet: Sheet, progress: Callable[[int], None] | None = None) -> int:
        """Write one sheet: bold frozen header, filter, widths; returns the number of rows."""
        ws = self.workbook.create_sheet(sheet.name)
        ws.freeze_panes = "A2"
        for index, column in enumerate(sheet.columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        header = []
        for column in sheet.columns:
            title = clean(column.title)
            cell = WriteOnlyCell(ws, title)
            cell.data_type = "s"  # criterion titles are user-written
            cell.quotePrefix = title.startswith(RISKY_STARTS)
            cell.font = self._bold
            header.append(cell)
        ws.append(header)
        converters = [self._converter(ws, c, sheet.wrap) for c in sheet.columns]
        count = 0
        for row in sheet.rows:
            ws.append([convert(value) for convert, value in zip(converters, row, strict=True)])
            count += 1
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(PROGRESS_EVERY)
        if progress is not None:
            progress(count % PROGRESS_EVERY)
        last = get_column_letter(len(sheet.columns))
        ws.auto_filter.ref = f"A1:{last}{count + 1}"
        return count

    def save(self, out: IO[bytes]) -> None:
        """Write the workbook to `out`. If that fails (a full disk), the error goes on and
        nothing is left behind: each sheet's stream is finished first, a failed save removes
        the sheets' temporary files, and `out` takes no more writes (openpyxl leaves its zip
        open, to be finished when it is collected, and would print errors then)."""
        for sheet in self.workbook.worksheets:
            if not sheet.closed:
                sheet.close()
        guarded = StopsAfterFailure(out)
        try:
            self.workbook.save(guarded)
        except BaseException:
            guarded.fail()
            for sheet in self.workbook.worksheets:
                writer = sheet._writer  # type: ignore[attr-defined]  # write-only sheets have one
                if writer is not None and os.path.exists(writer.out):
                    writer.cleanup()
            raise


class StopsAfterFailure:
    """A binary file for openpyxl's zip: once a write fails, later writes and seeks do nothing."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self._at: int | None = None  # once failed: the position it pretends to be at

    def fail(self) -> None:
        """Take no more writes from now on."""
        if self._at is None:
            try:
                self._at = self._out.tell()
            except (OSError, ValueError):
                self._at = 0

    def write(self, data: bytes) -> int:
        if self._at is not None:
            self._at += len(data)
            return len(data)
        try:
            return self._out.write(data)
        except BaseException:
            self.fail()
            raise

    def tell(self) -> int:
        return self._out.tell() if self._at is None else self._at

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if self._at is None:
            return self._out.seek(offset, whence)
        if whence == io.SEEK_SET:
            self._at = offset
        return self._at

    def flush(self) -> None:
        if self._at is None:
            self._out.flush()


def naive_utc(value: datetime) -> datetime:
    """A spreadsheet cannot hold a time zone: UTC, without one (the About sheet says so)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def write_csv(sheet: Sheet, out: IO[bytes]) -> int:
    """The sheet as UTF-8 CSV with a byte-order mark (so Excel reads £ and accents right)."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow([csv_safe(c.title) for c in sheet.columns])
    count = 0
    for row in sheet.rows:
        cells = []
        for column, value in zip(sheet.columns, row, strict=True):
            if value is None:
                cells.append("")
            elif column.kind == "text":
                cells.append(csv_safe(str(value)))
            elif column.kind == "money":
                cells.append(f"{value / 100:.2f}")
            elif column.kind == "datetime":
                cells.append(naive_utc(value).strftime("%Y-%m-%d %H:%M:%S"))
            else:
                cells.append(repr(value) if isinstance(value, float) else str(value))
        writer.writerow(cells)
        count += 1
    text.flush()
    text.detach()
    return count
