"""Hostile attachments (docs/security.md items 77-80): every file is built by the test and each
is refused with a clear sentence, or stored and served so that it cannot run."""

import io
import sqlite3
import zipfile
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from panel import backup as backups
from panel.applications import attachments, extras
from panel.applications.changes import erase_personal_data
from panel.extensions import db
from panel.models import Application, Attachment, FormDocument, FundingRound, Stage, User
from tests.conftest import AuthActions
from tests.factories import gen_member, gen_round, gen_user
from tests.panel.applications.conftest import GOOD

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.cookie)</script></svg>"
)
PDF_JS = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction 2 0 R >> endobj\n"
    b"2 0 obj << /S /JavaScript /JS (app.alert('hi')) >> endobj\ntrailer << /Root 1 0 R >>\n"
)


def _docx(extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def _zip_bomb() -> bytes:
    """A .docx of about 60 KB whose one part inflates to 60 MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(60):
                part.write(chunk)
    return out.getvalue()


def _lying_zip() -> bytes:
    """A .docx whose part says it is 10 bytes but inflates to 2 MB."""
    data = bytearray(_docx({"word/media/big.bin": b"\x00" * (2 * 1024 * 1024)}))
    # Rewrite the declared size (local header and central directory) of the big part.
    name = b"word/media/big.bin"
    big = (2 * 1024 * 1024).to_bytes(4, "little")
    small = (10).to_bytes(4, "little")
    for header in (b"PK\x03\x04", b"PK\x01\x02"):
        start = 0
        while (at := data.find(header, start)) != -1:
            start = at + 4
            size_at = at + (22 if header == b"PK\x03\x04" else 24)
            name_at = at + (30 if header == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name and data[size_at : size_at + 4] == big:
                data[size_at : size_at + 4] = small
    return bytes(data)


@pytest.fixture
def budget(open_round: FundingRound, staff: User) -> FormDocument:
    document = extras.add_document(round_=open_round, label="Budget", required=True, actor=staff)
    db.session.commit()
    return document


def _body(fields: dict[str, str], field: str, name: str, data: bytes) -> bytes:
    """A multipart body built here: the test client would spool a big one to a temporary file
    it never closes."""
    parts = [
        f'--XyZ\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    head = f'--XyZ\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
    parts.append(head.encode() + b"Content-Type: application/octet-stream\r\n\r\n" + data)
    return b"".join(parts) + b"\r\n--XyZ--\r\n"


def _send(client: FlaskClient, document: FormDocument, name: str, data: bytes) -> Any:
    return client.post(
        "/apply/spring",
        data=_body({**GOOD, "submission_key": "k1"}, document.key, name, data),
        content_type="multipart/form-data; boundary=XyZ",
    )


def _nothing_kept() -> None:
    assert db.session.execute(db.select(Attachment)).first() is None
    assert db.session.execute(db.select(Application)).first() is None


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("budget.pdf", EXE, "not a kind of file we accept, whatever its name says"),
        ("budget.svg", SVG, "not a kind of file we accept"),
        ("budget.pdf", SVG, "not a kind of file we accept"),
        ("budget.html", b"<html><script>alert(1)</script></html>", "not a kind of file we accept"),
        ("budget.pdf", PDF_JS, "contains a script or an action that runs when it is opened"),
        ("budget.docx", b"PK\x03\x04" + b"\x00" * 100, "is a zip file but not a Word"),
        ("budget.docx", _zip_bomb(), "unpacks to far more than its size"),
        ("budget.docx", _lying_zip(), "unpacks to far more than its size"),
        ("budget.pdf", b"", "is empty"),
    ],
    ids=[
        "renamed exe",
        "svg",
        "svg as pdf",
        "html",
        "pdf js",
        "bad zip",
        "zip bomb",
        "lying zip",
        "empty",
    ],
)
def test_item_77_hostile_files_are_refused_with_a_sentence_by_the_field_and_nothing_kept(
    client: FlaskClient,
    open_round: FundingRound,
    budget: FormDocument,
    name: str,
    data: bytes,
    says: str,
) -> None:
    """Item 77: a renamed program, an SVG or HTML with a script, a PDF with JavaScript, a zip
    bomb (honest or lying about its sizes) and an empty file are each refused by content, with
    a sentence by the file's field; neither the file nor the application is kept."""
    response = _send(client, budget, name, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert says in page and 'id="doc' in page and "There is a problem" in page
    _nothing_kept()


def test_item_77_a_file_over_the_limit_is_refused_and_a_request_too_big_gets_a_plain_413(
    client: FlaskClient, open_round: FundingRound, budget: FormDocument
) -> None:
    """Item 77: each file must be under the per-file limit (a clear sentence); a request bigger
    than the app takes at all gets the plain "too big" page; nothing is kept either way."""
    big = PDF + b"0" * attachments.MAX_FILE_BYTES
    response = _send(client, budget, "budget.pdf", big)
    assert response.status_code == 400
    assert "each file must be smaller than 4 MB" in response.get_data(as_text=True)
    _nothing_kept()
    # The multipart body is built here: the test client would spool it to a temporary file.
    body = (
        (
            f'--XyZ\r\nContent-Disposition: form-data; name="{budget.key}"; filename="b.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + PDF
        + b"0" * (6 * 1024 * 1024)
        + b"\r\n--XyZ--\r\n"
    )
    huge = client.post("/apply/spring", data=body, content_type="multipart/form-data; boundary=XyZ")
    assert huge.status_code == 413 and "too big" in huge.get_data(as_text=True)
    _nothing_kept()


def test_item_77_all_the_files_of_one_application_together_have_a_limit(
    open_round: FundingRound, staff: User
) -> None:
    """Item 77: files kept for one application (or draft) add up to at most the total limit."""
    from panel.applications import drafts

    documents = [
        extras.add_document(round_=open_round, label=f"Doc {n}", required=False, actor=staff)
        for n in range(5)
    ]
    draft, _ = drafts.save(round_=open_round, answers={})
    each = PDF + b"0" * (attachments.MAX_FILE_BYTES - len(PDF) - 1)
    checked = {d.id: attachments.check_file("f.pdf", each) for d in documents[:3]}
    attachments.keep(round_=open_round, checked=checked, draft=draft)
    with pytest.raises(attachments.AttachmentRefused, match="together they must be smaller"):
        attachments.keep(
            round_=open_round,
            checked={documents[3].id: attachments.check_file("g.pdf", each)},
            draft=draft,
        )


def test_item_77_good_files_of_each_kind_are_accepted_and_named_as_their_content_is() -> None:
    """Item 77: PDF, PNG, JPEG, DOCX, XLSX and ODT pass by content; a name that lies about the
    kind is corrected, and folders or odd characters never reach the name."""
    odt = io.BytesIO()
    with zipfile.ZipFile(odt, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    xlsx = io.BytesIO()
    with zipfile.ZipFile(xlsx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    cases = {
        "pdf": ("a.pdf", PDF),
        "png": ("scan.png", PNG),
        "jpeg": ("photo.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 50),
        "docx": ("plan.docx", _docx()),
        "xlsx": ("budget.xlsx", xlsx.getvalue()),
        "odt": ("constitution.odt", odt.getvalue()),
    }
    for kind, (name, data) in cases.items():
        assert attachments.check_file(name, data).kind == kind
    assert attachments.check_file("budget.exe", PDF).filename == "budget.pdf"
    assert attachments.check_file("../../etc/pa\x00ss<>.pdf", PDF).filename == "pa_ss__.pdf"


@pytest.fixture
def sent(client: FlaskClient, open_round: FundingRound, budget: FormDocument) -> Application:
    # A PDF whose script is hidden from a plain search (a #-escaped name): it passes the check,
    # so how it is served must stop it from running.
    sneaky = PDF + b"2 0 obj << /S /J#61vaScript /J#53 (app.alert(1)) >> endobj\n"
    assert _send(client, budget, "plan\u00e9 <v2>.pdf", sneaky).status_code == 302
    application = db.session.execute(db.select(Application)).scalar_one()
    application.status = "eligible"
    db.session.commit()
    return application


def _url(application: Application) -> str:
    file = db.session.execute(db.select(Attachment)).scalar_one()
    return f"/rounds/{application.round_id}/files/{file.id}"


def test_item_78_files_are_served_only_as_downloads_that_cannot_run(
    app: Flask, sent: Application, staff: User
) -> None:
    """Item 78: a file is served with Content-Disposition attachment and a safe name, its
    content's own type, nosniff and a sandboxing CSP, never inline."""
    client = app.test_client()
    AuthActions(client).login(staff)
    response = client.get(_url(sent))
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="plan_ _v2_.pdf"')
    assert "filename*=UTF-8''plan%C3%A9%20_v2_.pdf" in disposition
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"].startswith("sandbox")
    assert "private" in response.headers["Cache-Control"]


def test_item_79_only_staff_and_the_rounds_panel_can_download(
    app: Flask, sent: Application, staff: User, open_round: FundingRound
) -> None:
    """Item 79: staff and the round's panellists (for an application that went to the panel)
    download a file; a resident on no panel, another round's panellist and anyone signed out
    get nothing; a draft's files are never served."""
    url = _url(sent)
    panellist, outsider = gen_user(name="Pat Panel"), gen_user(name="Oli Outside")
    gen_member(open_round, panellist)
    elsewhere = gen_user(name="Eve Elsewhere")
    gen_member(gen_round(slug="elsewhere", stage=Stage.SCORING), elsewhere)
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.location
    for person, status in ((panellist, 200), (outsider, 404), (elsewhere, 404), (staff, 200)):
        client = app.test_client()
        AuthActions(client).login(person)
        assert client.get(url).status_code == status, person.display_name
    sent.status = "ineligible"  # not sent to the panel: the panellist no longer sees it
    db.session.commit()
    client = app.test_client()
    AuthActions(client).login(panellist)
    assert client.get(url).status_code == 404
    staff_page = app.test_client()
    AuthActions(staff_page).login(staff)
    detail = staff_page.get(f"/rounds/{sent.round_id}/applications/{sent.id}").get_data(True)
    assert url in detail and "download" in detail
    # A draft's file is never served, even to staff.
    from panel.applications import drafts

    draft, _ = drafts.save(round_=open_round, answers={})
    (kept,) = attachments.keep(
        round_=open_round,
        checked={extras.documents(open_round)[0].id: attachments.check_file("d.pdf", PDF)},
        draft=draft,
    )
    db.session.commit()
    assert attachments.attachment_in_round(open_round, kept.id) is None
    draft_url = f"/rounds/{open_round.id}/files/{kept.id}"
    assert staff_page.get(draft_url).status_code == 404


def test_item_80_files_are_erased_with_the_applications_personal_data_and_kept_in_backups(
    app: Flask, sent: Application, staff: User, tmp_path: Path
) -> None:
    """Item 80: attached files live in the database, so a backup holds them; erasing the
    application's personal data erases its files, and the audit record says how many."""
    source = backups.sqlite_path(app.config["SQLALCHEMY_DATABASE_URI"])
    if source is not None:
        db.session.commit()
        copy = tmp_path / "backup.db"
        backups.backup(database_url=f"sqlite:///{source}", destination=copy)
        with closing(sqlite3.connect(copy)) as conn:
            (data,) = conn.execute("SELECT data FROM attachment").fetchone()
        assert bytes(data).startswith(b"%PDF-")
    after = erase_personal_data(application=sent, actor=staff)
    db.session.commit()
    assert db.session.execute(db.select(Attachment)).first() is None
    assert after == ["contact_name", "contact_email", "contact_phone", "postcode"]
    from panel.models import AuditEvent

    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "application.personal_data_erased")
    ).scalar_one()
    assert event.after["attachments_erased"] == 1
