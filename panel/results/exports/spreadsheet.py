"""The spreadsheet writer: typed cells, constant-memory xlsx sheets and CSV, never a formula.

Formula injection (OWASP "CSV injection", docs/security.md item 20): every user-written string is
written as text. openpyxl stores any string longer than one character that begins with "=" as a
formula, so the workbook is written with XlsxWriter, cell by cell by the column's kind (never
guessing from a string's look): user text is always a string cell, and a risky one gets a quote
prefix; in CSV it gets a leading apostrophe. Control characters a workbook cannot hold are stripped.
"""

import csv
import io
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

# The control characters a workbook cannot hold (the same set openpyxl refuses).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

# A string starting with one of these would be run as a formula by some spreadsheet program.
RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

CELL_LIMIT = 32_767  # Excel's longest cell text

MONEY_FORMAT = '"£"#,##0.00'

FIGURE_FORMAT = "0.0000"

PERCENT_FORMAT = "0.00"

DATETIME_FORMAT = "yyyy-mm-dd h:mm:ss"  # openpyxl's own for a datetime, as before

DATE_FORMAT = "yyyy-mm-dd"

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
    """A constant-memory workbook whose cells are typed by column kind; user text is never a
    formula. Each sheet's rows go to a temporary file as they come (XlsxWriter's
    `constant_memory` mode, strings inline), so memory stays flat whatever the round's size."""

    def __init__(self) -> None:
        import xlsxwriter  # only the commands and pages that write a workbook pay for it

        self._tmpdir = tempfile.mkdtemp(prefix="panel-xlsx-")
        self.workbook = xlsxwriter.Workbook(
            None,
            {
                "constant_memory": True,
                "tmpdir": self._tmpdir,
                # Cells are written by kind: nothing is guessed from a string's look.
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        self._formats: dict[tuple[tuple[str, Any], ...], Any] = {}

    def _format(self, **properties: Any) -> Any:
        key = tuple(sorted(properties.items()))
        found = self._formats.get(key)
        if found is None:
            found = self._formats[key] = self.workbook.add_format(properties)
        return found

    def _writer(self, ws: Any, column: Column, wrap: bool) -> Callable[[int, int, Any], Any]:
        """A function (row, col, value) writing one cell of this column."""
        kind = column.kind
        # XlsxWriter's typed writers without the A1-notation wrapper: called once per cell.
        write_string, write_number = ws._write_string, ws._write_number
        write_datetime = ws._write_datetime
        if kind == "text":
            plain = self._format(text_wrap=True, valign="top") if wrap else None
            risky = (
                self._format(text_wrap=True, valign="top", quote_prefix=True)
                if wrap
                else (self._format(quote_prefix=True))
            )
            # References, names and titles repeat on every score row: clean each once.
            cache: dict[str, tuple[str, Any]] = {}

            def text(r: int, c: int, v: Any) -> None:
                if v is None or v == "":
                    return
                found = cache.get(v)
                if found is None:
                    cleaned = clean(str(v))
                    found = (cleaned, risky if cleaned.startswith(RISKY_STARTS) else plain)
                    if len(cache) < 10_000 and len(cleaned) < 200:
                        cache[v] = found
                write_string(r, c, found[0], found[1])

            return text
        if kind == "int":

            def integer(r: int, c: int, v: Any) -> None:
                if v is not None:
                    write_number(r, c, v)

            return integer
        number_format = {
            "figure": FIGURE_FORMAT,
            "percent": PERCENT_FORMAT,
            "money": MONEY_FORMAT,
            "datetime": DATETIME_FORMAT,
            "date": DATE_FORMAT,
        }.get(kind)
        if number_format is None:
            raise ValueError(f"unknown column kind {kind}")
        fmt = self._format(num_format=number_format)
        if kind == "money":

            def money(r: int, c: int, v: Any) -> None:
                if v is not None:
                    write_number(r, c, v / 100, fmt)

            return money
        if kind in ("datetime", "date"):
            last: list[Any] = [None, None]

            def when(r: int, c: int, v: Any) -> None:
                if v is None:
                    return
                if v != last[0]:  # the scores of one review share its time: convert it once
                    if isinstance(v, str):  # SQLite's stored UTC text (`stored_times`)
                        made: Any = datetime.fromisoformat(v)
                    else:
                        made = naive_utc(v) if isinstance(v, datetime) else v
                    last[0], last[1] = v, made
                write_datetime(r, c, last[1], fmt)

            return when

        def figure(r: int, c: int, v: Any) -> None:
            if v is not None:
                write_number(r, c, v, fmt)

        return figure

    def add(self, sheet: Sheet, progress: Callable[[int], None] | None = None) -> int:
        """Write one sheet: bold frozen header, filter, widths; returns the number of rows."""
        ws = self.workbook.add_worksheet(sheet.name)
        ws.freeze_panes(1, 0)
        bold, bold_risky = self._format(bold=True), self._format(bold=True, quote_prefix=True)
        for index, column in enumerate(sheet.columns):
            ws.set_column(index, index, column.width)
            title = clean(column.title)  # criterion titles are user-written
            ws.write_string(0, index, title, bold_risky if title.startswith(RISKY_STARTS) else bold)
        writers = [self._writer(ws, c, sheet.wrap) for c in sheet.columns]
        width = len(writers)
        count = 0
        for count, row in enumerate(sheet.rows, start=1):
            for col, (write, value) in enumerate(zip(writers, row, strict=True)):
                write(count, col, value)
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(PROGRESS_EVERY)
        if progress is not None:
            progress(count % PROGRESS_EVERY)
        ws.autofilter(0, 0, count, width - 1)
        return count

    def save(self, out: IO[bytes]) -> None:
        """Write the workbook to `out`. If that fails (a full disk), the error (an OSError) goes
        on and nothing is left behind: the sheets' temporary files are removed either way, and
        `out` takes no more writes (a half-made zip would otherwise write on when collected)."""
        from xlsxwriter.exceptions import FileCreateError

        guarded = StopsAfterFailure(out)
        self.workbook.filename = guarded
        try:
            self.workbook.close()
        except FileCreateError as error:
            guarded.fail()
            cause = error.args[0] if error.args else None
            if isinstance(cause, OSError):
                raise cause from None  # callers know a full disk by its OSError
            raise
        except BaseException:
            guarded.fail()
            raise
        finally:
            self.discard()

    def discard(self) -> None:
        """Remove the sheets' temporary files (after saving, or instead of it)."""
        if not self.workbook.fileclosed:
            for ws in self.workbook.worksheets():
                ws._opt_close()
        shutil.rmtree(self._tmpdir, ignore_errors=True)


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


def _csv_converter(kind: str) -> Callable[[Any], str]:
    """A function making one column's csv field from a value; text and times are remembered
    (references, names, titles and a review's time repeat row after row)."""
    if kind == "text":
        memo: dict[str, str] = {}

        def text(v: Any) -> str:
            if v is None:
                return ""
            found = memo.get(v) if v.__class__ is str else None
            if found is None:
                found = csv_safe(str(v))
                if v.__class__ is str and len(memo) < 10_000 and len(found) < 200:
                    memo[v] = found
            return found

        return text
    if kind == "money":
        return lambda v: "" if v is None else f"{v / 100:.2f}"
    if kind == "datetime":
        last: list[Any] = [None, ""]

        def when(v: Any) -> str:
            if v is None:
                return ""
            if v != last[0]:  # the scores of one review share its time: format it once
                # Text is SQLite's stored UTC time ("2026-05-01 12:00:00.000000").
                text = v[:19] if isinstance(v, str) else None
                last[0], last[1] = v, text or naive_utc(v).strftime("%Y-%m-%d %H:%M:%S")
            return str(last[1])

        return when
    if kind == "int":
        return lambda v: "" if v is None else str(v)
    return lambda v: "" if v is None else (repr(v) if isinstance(v, float) else str(v))


CSV_CHUNK_ROWS = 2_000


def csv_chunks(sheet: Sheet, progress: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """The sheet as UTF-8 CSV with a byte-order mark (so Excel reads £ and accents right), in
    chunks of a few thousand rows: a download can stream it while the rows are still read."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_safe(c.title) for c in sheet.columns])
    converters = [_csv_converter(c.kind) for c in sheet.columns]
    writerow = writer.writerow
    first = True
    count = 0
    for row in sheet.rows:
        writerow([convert(v) for convert, v in zip(converters, row, strict=True)])
        count += 1
        if count % CSV_CHUNK_ROWS == 0:
            yield ("\ufeff" if first else "").encode() + buffer.getvalue().encode("utf-8")
            first = False
            buffer.seek(0)
            buffer.truncate()
            if progress is not None:
                progress(CSV_CHUNK_ROWS)
    yield ("\ufeff" if first else "").encode() + buffer.getvalue().encode("utf-8")
    if progress is not None:
        progress(count % CSV_CHUNK_ROWS)


def write_csv(sheet: Sheet, out: IO[bytes], progress: Callable[[int], None] | None = None) -> int:
    """The sheet as UTF-8 CSV with a byte-order mark, written to `out`; returns its rows."""
    count = 0

    def counted(rows: int) -> None:
        nonlocal count
        count += rows
        if progress is not None:
            progress(rows)

    for chunk in csv_chunks(sheet, counted):
        out.write(chunk)
    return count
