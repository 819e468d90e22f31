"""Spreadsheet files: reading an uploaded .xlsx or .csv safely, and writing the template.

A spreadsheet is untrusted input (docs/security.md, items 21, 31 and 32). Before openpyxl sees an
.xlsx we check it is a zip with a bounded number of members, inflate every part in a stream
counting its real bytes against the size it declares and a total cap, and check that no XML part
declares a DTD (billion laughs, XXE); openpyxl itself parses through defusedxml, in read-only
mode, with a row cap, and the workbook is always closed; anything it raises is a refusal. Formula
cells are refused with their cell reference: we import values people typed, never formulas. CSV
cells are stored as text and never evaluated. Nothing here touches the database.
"""

import copy
import csv
import io
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from defusedxml import DefusedXmlException

from panel.applications.validation import FIELD_BY_KEY, FIELDS, clean_text

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

MAX_ROWS = 2000
MAX_COLUMNS = 50
MAX_ZIP_MEMBERS = 100
MAX_UNZIPPED_BYTES = 30 * 1024 * 1024
MAX_CELL_CHARS = 10_000
INFLATE_CHUNK = 64 * 1024
DTD_OVERLAP = 32  # longer than "<!DOCTYPE" in UTF-16, so a chunk boundary cannot hide it

NOT_XLSX = (
    "This file is not a real .xlsx spreadsheet. Open it in your spreadsheet program, save it "
    "as an Excel workbook (.xlsx) or as CSV, and upload it again."
)
TOO_BIG = (
    "This file unpacks to far more data than a spreadsheet of applications needs, so it was "
    "refused. Copy the rows into the template spreadsheet and upload that instead."
)
UNSAFE = (
    "This file contains XML features that spreadsheets never use, so it was refused for "
    "safety. Copy the rows into the template spreadsheet and upload that instead."
)


class ImportRefused(ValueError):
    """The file cannot be read; the message says what to do. Nothing has changed."""


@dataclass
class Sheet:
    """A spreadsheet's header row and data rows, every cell as text."""

    headers: list[str]
    rows: list[dict[str, Any]]  # {"row": spreadsheet row number, "cells": [text, ...]}
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- reading files


def read_upload(filename: str, data: bytes) -> Sheet:
    """Read an uploaded .xlsx or .csv file, or raise ImportRefused with a clear message."""
    name = (filename or "").lower().strip()
    if name.endswith(".xlsx"):
        return read_xlsx(data)
    if name.endswith(".csv"):
        return read_csv(data)
    raise ImportRefused("Upload a spreadsheet saved as .xlsx or .csv")


def check_zip(data: bytes) -> None:
    """Refuse anything but a modest, DTD-free zip before openpyxl opens it.

    The sizes a zip declares are written by its author, so every part is inflated here in a
    stream and its real bytes counted: a part that inflates past the size it declares is
    refused at that point, before anything is held in memory (openpyxl later reads the parts
    in one go, trusting those declared sizes). The declared sizes add up to at most
    MAX_UNZIPPED_BYTES, so the real ones do too.
    """
    if not data.startswith(b"PK") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportRefused(NOT_XLSX)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise ImportRefused(
                    f"This file has too many parts inside it ({len(members):,}). "
                    "Copy the rows into the template spreadsheet and upload that instead."
                )
            if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
                raise ImportRefused(TOO_BIG)
            names = {m.filename for m in members}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise ImportRefused(NOT_XLSX)
            for member in members:
                _inflate_counting(archive, member)
    except ImportRefused:
        raise
    except Exception as exc:  # any other failure to unpack an untrusted file is a refusal
        raise ImportRefused(NOT_XLSX) from exc


def _inflate_counting(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Inflate one part in chunks, counting its real bytes and looking for a DTD as it goes."""
    # Spreadsheets are stored or deflated, never encrypted. Other methods (bzip2, lzma) are
    # inflated by zipfile without a bound on each chunk, so they never reach it.
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ImportRefused(NOT_XLSX)
    if member.flag_bits & 0x1:
        raise ImportRefused(NOT_XLSX)
    # zipfile stops reading a part at its declared size (and then fails its checksum): let it
    # read two chunks further, so a part that lies shows itself here, one chunk past its size.
    unbounded = copy.copy(member)
    unbounded.file_size = member.file_size + 2 * INFLATE_CHUNK
    is_xml = member.filename.endswith((".xml", ".rels", ".vml"))
    inflated, tail = 0, b""
    with archive.open(unbounded) as part:
        while chunk := part.read(INFLATE_CHUNK):
            inflated += len(chunk)
            if inflated > member.file_size:
                raise ImportRefused(TOO_BIG)
            if is_xml:
                _refuse_dtd(tail + chunk)
                tail = chunk[-DTD_OVERLAP:]


def _refuse_dtd(xml: bytes) -> None:
    upper = xml.upper()
    for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
        if "<!DOCTYPE".encode(encoding) in upper or "<!ENTITY".encode(encoding) in upper:
            raise ImportRefused(UNSAFE)


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(Decimal(repr(value)))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)[:MAX_CELL_CHARS]


def _sheet_from(rows: list[tuple[int, list[str]]]) -> Sheet:
    if not rows or not any(c.strip() for c in rows[0][1]):
        raise ImportRefused(
            "The first row must hold the column headings, like those in the template spreadsheet"
        )
    headers = [clean_text(c) for c in rows[0][1]]
    while headers and not headers[-1]:
        headers.pop()
    data = [
        {"row": number, "cells": cells[: len(headers)]}
        for number, cells in rows[1:]
        if any(c.strip() for c in cells[: len(headers)])
    ]
    if not data:
        raise ImportRefused("This file has column headings but no applications under them")
    return Sheet(headers=headers, rows=data)


def _too_many_rows() -> ImportRefused:
    return ImportRefused(
        f"This file has more than {MAX_ROWS:,} rows. Split it into smaller files and import "
        "each one."
    )


def read_xlsx(data: bytes) -> Sheet:
    """The first worksheet of an .xlsx file, checked before and while openpyxl reads it."""
    check_zip(data)
    return read_workbook(data)


def read_workbook(data: bytes) -> Sheet:
    """Open the workbook safely (read-only, defusedxml) and read its first worksheet."""
    # openpyxl (and lxml) load when a workbook is read, not when the app starts.
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    workbook = None
    rows: list[tuple[int, list[str]]] = []
    formulas: list[str] = []
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it ignores; they do not matter here.
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            if not workbook.worksheets:
                raise ImportRefused(NOT_XLSX)
            sheet = workbook.worksheets[0]
            for number, cells in enumerate(
                sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS), start=1
            ):
                if number > MAX_ROWS + 1:
                    raise _too_many_rows()
                texts = []
                for column, cell in enumerate(cells, start=1):
                    if getattr(cell, "data_type", None) == "f":
                        formulas.append(f"{get_column_letter(column)}{number}")
                    texts.append(_as_text(getattr(cell, "value", None)))
                rows.append((number, texts))
    except ImportRefused:
        raise
    except DefusedXmlException as exc:
        raise ImportRefused(UNSAFE) from exc
    except Exception as exc:  # any failure to read an untrusted file is a refusal
        # openpyxl raises whatever its parsers raise for a broken part (lxml's XMLSyntaxError
        # for an empty [Content_Types].xml, KeyError for a missing relationship, ...): none of
        # them may become a 500. It wraps the parser's refusal of entities in a ValueError.
        if _caused_by(exc, DefusedXmlException):
            raise ImportRefused(UNSAFE) from exc
        raise ImportRefused(NOT_XLSX) from exc
    finally:
        if workbook is not None:
            workbook.close()
    if formulas:
        shown = [f"Cell {ref} holds a formula: type the value instead" for ref in formulas[:10]]
        more = len(formulas) - len(shown)
        if more:
            shown.append(f"and {more} more cells hold formulas")
        raise ImportRefused(". ".join(shown))
    return _sheet_from(rows)


def read_csv(data: bytes) -> Sheet:
    """A CSV file as text: UTF-8 (with or without a BOM), else Windows text (cp1252)."""
    if b"\x00" in data:
        raise ImportRefused(
            "This file is not a CSV text file. Save your spreadsheet as CSV and try again."
        )
    notes = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ImportRefused(
                "We could not read the text in this file. Save it as “CSV UTF-8” from your "
                "spreadsheet program and upload it again."
            ) from exc
        notes.append(
            "This file was not saved as UTF-8, so it was read as Windows text. Check that "
            "accents and the £ sign look right below; if not, save it as “CSV UTF-8”."
        )
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if number > MAX_ROWS + 1:
                raise _too_many_rows()
            rows.append((number, [c[:MAX_CELL_CHARS] for c in cells[:MAX_COLUMNS]]))
    except csv.Error as exc:
        raise ImportRefused(
            f"This CSV file could not be read ({exc}). Save it again as CSV and try again."
        ) from exc
    sheet = _sheet_from(rows)
    sheet.notes = notes
    return sheet


# --------------------------------------------------------------------------- the template


HELP = {
    "organisation_name": "The group's name, as on its bank account.",
    "organisation_type": (
        "One of: community group, registered charity, CIO, CIC, company limited by guarantee, "
        "other."
    ),
    "registration_number": (
        "Charities and CIOs: charity number (123456, SC012345 or NIC100002). CICs and companies "
        "limited by guarantee: company number (01234567 or SC123456). Others: leave blank."
    ),
    "contact_name": "The person we should contact.",
    "contact_email": "Their email address.",
    "contact_phone": "A UK phone number (optional).",
    "postcode": "A full UK postcode, like LS1 4AP.",
    "project_title": f"Up to {FIELD_BY_KEY['project_title'].max_length} characters.",
    "summary": "What the project will do.",
    "spend_on": "What the grant will pay for.",
    "amount": "In pounds, like 1250 or 1,250.50. Type the number: no formulas.",
    "beneficiaries": "A whole number, like 25.",
    "location": "The neighbourhood or ward.",
}


def template_workbook() -> bytes:
    """An empty .xlsx with the right headings and a help sheet."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = cast("Worksheet", workbook.active)  # a new workbook's one sheet
    sheet.title = "Applications"
    for column, spec in enumerate(FIELDS, start=1):
        cell = sheet.cell(row=1, column=column)
        cell.value = spec.label
        cell.data_type = "s"
        sheet.column_dimensions[get_column_letter(column)].width = max(18, len(spec.label) + 4)
    sheet.freeze_panes = "A2"
    help_sheet = workbook.create_sheet("How to fill it in")
    help_sheet.append(["Column", "Required?", "What to put"])
    for spec in FIELDS:
        help_sheet.append([spec.label, "Yes" if spec.required else "No", HELP[spec.key]])
    help_sheet.column_dimensions["A"].width = 30
    help_sheet.column_dimensions["C"].width = 90
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
