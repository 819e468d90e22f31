"""Hostile uploads (docs/security.md item 21): each is refused with a clear 400 and changes nothing.

Every file here is built by the test: a renamed text file, a zip bomb, a zip of many parts, a
billion-laughs workbook, an XXE workbook, formula cells, too many rows and an oversized upload.
"""

import functools
import io
import itertools
import struct
import subprocess
import sys
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

from panel.applications import spreadsheet
from panel.extensions import db
from panel.models import Application, FundingRound, Stage, User
from panel.models.application import ApplicationImport
from tests.conftest import AuthActions
from tests.panel.applications.conftest import HEADERS, sheet_row, xlsx_bytes

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>
</worksheet>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData>
</worksheet>"""


def _replace_member(data: bytes, name: str, content: bytes) -> bytes:
    """A copy of the xlsx `data` with one part replaced (e.g. the first worksheet)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, content if item.filename == name else source.read(item))
    return out.getvalue()


def _good_xlsx() -> bytes:
    return xlsx_bytes([sheet_row()])


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        # 100 MB of zeros compresses to about 100 KB.
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (100 * 1024 * 1024))
    return out.getvalue()


def _many_members() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for n in range(500):
            archive.writestr(f"xl/media/image{n}.png", b"x")
    return out.getvalue()


def _formulas() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append(sheet_row())
    sheet.append(sheet_row(organisation_name="Another group"))
    sheet["K3"] = "=SUM(1,2)"  # Amount requested, second data row
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


HOSTILE: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "renamed text file": (
        lambda: b"Organisation name,Project title\nA,B\n",
        "applications.xlsx",
        "This file is not a real .xlsx spreadsheet",
    ),
    "truncated zip": (lambda: _good_xlsx()[:400], "a.xlsx", "This file is not a real .xlsx"),
    "zip bomb": (_zip_bomb, "bomb.xlsx", "unpacks to far more data than a spreadsheet"),
    "zip of many parts": (_many_members, "many.xlsx", "too many parts inside it (502)"),
    "billion laughs": (
        lambda: _replace_member(_good_xlsx(), "xl/worksheets/sheet1.xml", BILLION_LAUGHS),
        "laughs.xlsx",
        "XML features that spreadsheets never use",
    ),
    "xxe": (
        lambda: _replace_member(_good_xlsx(), "xl/worksheets/sheet1.xml", XXE),
        "xxe.xlsx",
        "XML features that spreadsheets never use",
    ),
    "utf-16 xxe": (
        lambda: _replace_member(
            _good_xlsx(),
            "xl/worksheets/sheet1.xml",
            XXE.replace(b'<?xml version="1.0"?>', b"").decode().encode("utf-16"),
        ),
        "xxe16.xlsx",
        "XML features that spreadsheets never use",
    ),  # fmt: skip
    "formula cells": (_formulas, "sums.xlsx", "Cell K3 holds a formula: type the value instead"),
    "binary csv": (lambda: b"\x89PNG\r\n\x1a\n\0\0\0", "a.csv", "This file is not a CSV text file"),
    "other kind of file": (lambda: b"%PDF-1.4", "applications.pdf", "saved as .xlsx or .csv"),
}


def test_openpyxl_parses_through_defusedxml() -> None:
    """Item 21: openpyxl uses defusedxml."""
    assert openpyxl.DEFUSEDXML is True


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_hostile_upload_gets_a_clear_400_and_changes_nothing(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound], kind: str
) -> None:
    """Item 21: each hostile file gets a clear 400 and changes nothing."""
    build, name, message = HOSTILE[kind]
    round_ = make_round(stage=Stage.APPLICATIONS)
    AuthActions(client).login(staff)
    response = client.post(
        f"/rounds/{round_.id}/applications/import",
        data={"file": (io.BytesIO(build()), name)},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page, page[page.find("error-message") :][:400]
    assert "There is a problem" in page
    assert db.session.execute(db.select(ApplicationImport)).first() is None
    assert db.session.execute(db.select(Application)).first() is None


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, XXE], ids=["billion laughs", "xxe"])
def test_without_our_zip_check_defusedxml_still_refuses_entities(app: Flask, xml: bytes) -> None:
    """Item 21: entities are refused even past the zip check."""
    data = _replace_member(_good_xlsx(), "xl/worksheets/sheet1.xml", xml)
    with pytest.raises(spreadsheet.ImportRefused, match="XML features that spreadsheets never use"):
        spreadsheet.read_workbook(data)


def test_a_file_with_too_many_rows_is_refused(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Item 21: the row cap is enforced."""
    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 5)
    rows = [sheet_row(organisation_name=f"Group {n}") for n in range(6)]
    with pytest.raises(spreadsheet.ImportRefused, match="more than 5 rows"):
        spreadsheet.read_upload("a.xlsx", xlsx_bytes(rows))
    assert len(spreadsheet.read_upload("a.xlsx", xlsx_bytes(rows[:5])).rows) == 5


def test_the_row_cap_is_two_thousand() -> None:
    """Item 21: the row cap is 2,000."""
    assert spreadsheet.MAX_ROWS == 2000


def test_the_workbook_is_closed_even_when_reading_fails(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Item 21: read_only=True, and the workbook is closed in finally."""
    import openpyxl  # the reader imports it when a workbook is read (not at start-up)

    closed: list[bool] = []
    real = openpyxl.load_workbook

    def tracking(*args: Any, **kwargs: Any) -> Any:
        assert kwargs == {"read_only": True, "data_only": False}
        workbook = real(*args, **kwargs)
        original = workbook.close

        def close() -> None:
            closed.append(True)
            original()

        workbook.close = close
        return workbook

    monkeypatch.setattr(openpyxl, "load_workbook", tracking)
    with pytest.raises(spreadsheet.ImportRefused):
        spreadsheet.read_upload("sums.xlsx", _formulas())
    assert closed == [True]


def test_an_upload_over_5_mb_is_refused_with_413(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    """Item 21: MAX_CONTENT_LENGTH: 413 above 5 MB."""
    round_ = make_round(stage=Stage.APPLICATIONS)
    AuthActions(client).login(staff)
    # The multipart body is built here: the test client would spool it to a temporary file.
    body = (
        b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\n" + b"a" * (6 * 1024 * 1024) + b"\r\n--XyZ--\r\n"
    )
    response = client.post(
        f"/rounds/{round_.id}/applications/import",
        data=body,
        content_type="multipart/form-data; boundary=XyZ",
    )
    assert response.status_code == 413
    assert "That file is too big" in response.get_data(as_text=True)
    assert db.session.execute(db.select(ApplicationImport)).first() is None


def test_a_text_cell_that_starts_with_an_equals_sign_is_not_a_formula(app: Flask) -> None:
    """Item 21: a text cell starting with = is text, not a formula."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append(sheet_row())
    cell = sheet["A2"]
    cell.value = "=1+1 Club"
    cell.data_type = "s"
    out = io.BytesIO()
    workbook.save(out)
    parsed = spreadsheet.read_upload("a.xlsx", out.getvalue())
    assert parsed.rows[0]["cells"][0] == "=1+1 Club"


# --------------------------------------------------------------------------- broken parts

# Each part of a real workbook that openpyxl reads before the worksheet, broken three ways.
BROKEN_PARTS = {
    f"{name} {how}": (name, content)
    for name in (
        "[Content_Types].xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        "docProps/core.xml",
    )
    for how, content in (
        ("empty", b""),
        ("malformed", b'<?xml version="1.0"?><Types><Default Extension="xml"></Types>'),
        ("not xml", b"\xff\xfe\x00 this is not XML at all"),
    )
}


@pytest.mark.parametrize("kind", list(BROKEN_PARTS))
def test_a_broken_part_of_the_workbook_gets_the_clear_refusal(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound], kind: str
) -> None:
    """Item 32: a broken [Content_Types].xml, workbook, relationships or styles part is a 400."""
    name, content = BROKEN_PARTS[kind]
    data = _replace_member(_good_xlsx(), name, content)
    round_ = make_round(stage=Stage.APPLICATIONS)
    AuthActions(client).login(staff)
    response = client.post(
        f"/rounds/{round_.id}/applications/import",
        data={"file": (io.BytesIO(data), "broken.xlsx")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400, page[:300]
    assert "This file is not a real .xlsx spreadsheet" in page
    assert "There is a problem" in page
    assert db.session.execute(db.select(ApplicationImport)).first() is None


def test_the_cli_refuses_a_broken_workbook_in_one_line(
    app: Flask, runner: Any, make_round: Callable[..., FundingRound], tmp_path: Path
) -> None:
    """Item 32: the command line gives the same refusal, without a traceback."""
    make_round(slug="spring", stage=Stage.APPLICATIONS)
    path = tmp_path / "broken.xlsx"
    path.write_bytes(_replace_member(_good_xlsx(), "xl/workbook.xml", b""))
    result = runner.invoke(args=["import-applications", "spring", str(path)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == ["broken.xlsx: " + spreadsheet.NOT_XLSX], (
        result.output
    )
    assert "Traceback" not in result.output
    assert db.session.execute(db.select(Application)).first() is None


# --------------------------------------------------------------------------- parts that lie

MIB = 1024 * 1024
ZEROS = (0, 0, 0, 0, 0)  # a central directory entry's comment, disk, attributes


def _raw_zip(parts: Iterable[tuple[str, Iterable[bytes], int | None]]) -> bytes:
    """A zip written by hand, so that a part can declare a size other than the one it inflates to.

    Each part is (name, its content in chunks, the size it declares or None for the truth); the
    content is deflated in a stream, so a part of a gigabyte never sits in memory here.
    """
    out = io.BytesIO()
    central = []
    for name, chunks, declared in parts:
        deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
        body, crc, size = [], 0, 0
        for chunk in chunks:
            body.append(deflate.compress(chunk))
            crc, size = zlib.crc32(chunk, crc), size + len(chunk)
        body.append(deflate.flush())
        data, encoded, at = b"".join(body), name.encode(), out.tell()
        stated = size if declared is None else declared
        sizes = (crc, len(data), stated, len(encoded))
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, *sizes, 0))
        out.write(encoded + data)
        entry = struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, *sizes, *ZEROS, at
        )
        central.append(entry + encoded)
    directory = b"".join(central)
    start = out.tell()
    out.write(directory)
    count = len(central)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), start, 0))
    return out.getvalue()


@functools.cache
def _lying_workbook(inflates_to: int = 1024 * MIB, declares: int = 1000) -> bytes:
    """A good workbook whose worksheet says it holds `declares` bytes but inflates to far more.

    The worksheet is real XML padded with spaces, with the right CRC: only its size lies. With
    the defaults the file is about 1 MB and its worksheet unpacks to 1 GB, as the review found.
    """
    good = zipfile.ZipFile(io.BytesIO(_good_xlsx()))
    parts: list[tuple[str, Iterable[bytes], int | None]] = []
    for info in good.infolist():
        content = good.read(info)
        if info.filename != "xl/worksheets/sheet1.xml":
            parts.append((info.filename, [content], None))
            continue
        head, tail = content.split(b"</worksheet>")
        padding = (b" " * MIB for _ in range(inflates_to // MIB))
        parts.append(
            (info.filename, itertools.chain([head], padding, [b"</worksheet>", tail]), declares)
        )
    return _raw_zip(parts)


def test_the_lying_workbook_is_what_it_claims() -> None:
    """Item 31: the test's crafted file is small, and its worksheet declares 1,000 bytes."""
    data = _lying_workbook()
    assert len(data) < 1.1 * MIB
    member = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml")
    assert member.file_size == 1000
    # Honest, the same file is read like any other: the size is the only lie.
    honest = _raw_zip(
        (i.filename, [zipfile.ZipFile(io.BytesIO(_good_xlsx())).read(i)], None)
        for i in zipfile.ZipFile(io.BytesIO(_good_xlsx())).infolist()
    )
    assert spreadsheet.read_upload("a.xlsx", honest).rows[0]["cells"] == sheet_row()


def test_a_part_that_lies_about_its_size_is_refused_without_inflating_it(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    """Item 31: the bytes actually inflated are counted in a stream; memory stays small; 400."""
    data = _lying_workbook()
    round_ = make_round(stage=Stage.APPLICATIONS)
    AuthActions(client).login(staff)
    # The multipart body is built here: the test client would spool a 1 MB file to disk.
    body = (
        b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="small.xlsx"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n--XyZ--\r\n"
    )
    tracemalloc.start()
    try:
        response = client.post(
            f"/rounds/{round_.id}/applications/import",
            data=body,
            content_type="multipart/form-data; boundary=XyZ",
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The upload itself is 1 MB and the request holds a few copies of it; the worksheet
    # inflated in one go was 1 GB (2 GB at the peak).
    assert peak < 24 * MIB, f"peak {peak / MIB:.0f} MB"
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This file unpacks to far more data than a spreadsheet of applications needs" in page
    assert "There is a problem" in page
    assert db.session.execute(db.select(ApplicationImport)).first() is None


# The process's own peak resident memory. Not getrusage's ru_maxrss: Linux carries the parent's
# peak into a child started with fork or vfork, so a child of a large pytest process would report
# the parent's peak; VmHWM belongs to the memory of the program the child runs.
READ_AND_MEASURE = """
import re, sys
from panel.applications import spreadsheet
try:
    spreadsheet.read_upload("a.xlsx", open(sys.argv[1], "rb").read())
except spreadsheet.ImportRefused as exc:
    print("refused:", exc)
status = open("/proc/self/status").read()
print(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1))
"""


def _peak_rss_kib(path: Path) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-c", READ_AND_MEASURE, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    *said, peak = done.stdout.strip().splitlines()
    return int(peak), " ".join(said)


def test_the_process_peak_memory_stays_small_for_a_lying_part(tmp_path: Path) -> None:
    """Item 31: a whole process reading the lying file peaks about where a good file does."""
    good, liar = tmp_path / "good.xlsx", tmp_path / "liar.xlsx"
    good.write_bytes(_good_xlsx())
    liar.write_bytes(_lying_workbook())
    baseline, said_good = _peak_rss_kib(good)
    peak, said_liar = _peak_rss_kib(liar)
    assert peak - baseline < 20 * 1024, f"{baseline} KiB for a good file, {peak} KiB for the liar"
    assert said_good == ""
    assert said_liar.startswith("refused: This file unpacks to far more data")


def _with_part(name: str, content: bytes, compression: int, declares: int | None = None) -> bytes:
    """The good workbook with one part replaced, compressed as asked, declaring any size."""
    source = zipfile.ZipFile(io.BytesIO(_good_xlsx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item))
        target.writestr(name, content, compress_type=compression)
    data = out.getvalue()
    if declares is None:
        return data
    # Patch the part's uncompressed size in its local header and its central directory entry.
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    patched = bytearray(data)
    struct.pack_into("<I", patched, info.header_offset + 22, declares)
    central = data.index(b"PK\x01\x02")
    while not data[central + 46 :].startswith(name.encode()):
        central = data.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", patched, central + 24, declares)
    return bytes(patched)


SHEET = "xl/worksheets/sheet1.xml"
STRADDLING_DTD = b" " * (spreadsheet.INFLATE_CHUNK - 4) + XXE


@pytest.mark.parametrize(
    ("content", "compression", "declares", "message"),
    [
        (b"<worksheet/>" + b" " * 200_000, zipfile.ZIP_STORED, 12, spreadsheet.TOO_BIG),
        (b"<worksheet/>" + b" " * 200_000, zipfile.ZIP_DEFLATED, 12, spreadsheet.TOO_BIG),
        (b"<worksheet/>", zipfile.ZIP_BZIP2, None, spreadsheet.NOT_XLSX),
        (b"<worksheet/>", zipfile.ZIP_LZMA, None, spreadsheet.NOT_XLSX),
        (STRADDLING_DTD, zipfile.ZIP_DEFLATED, None, spreadsheet.UNSAFE),
    ],
    ids=["stored liar", "deflated liar", "bzip2", "lzma", "DTD across a chunk boundary"],
)
def test_every_part_is_inflated_in_a_stream_and_checked_as_it_goes(
    content: bytes, compression: int, declares: int | None, message: str
) -> None:
    """Item 31: real bytes are counted for stored and deflated parts; other methods refused."""
    data = _with_part(SHEET, content, compression, declares)
    if declares is not None:
        assert zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET).file_size == declares
    with pytest.raises(spreadsheet.ImportRefused) as refused:
        spreadsheet.read_upload("a.xlsx", data)
    assert str(refused.value) == message
