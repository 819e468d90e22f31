"""Files groups attach to an application: checked by what they contain, never by their name.

Every upload is hostile until proven otherwise. A file is accepted only when its first bytes
(and, for office documents, the parts inside its zip) show it is one of the kinds we take:
PDF, PNG, JPEG, Word (.docx), Excel (.xlsx) or OpenDocument text (.odt). A PDF that carries
JavaScript or actions that run on opening is refused. A zip whose parts would inflate past
MAX_UNZIPPED_BYTES, or past the sizes they declare, is refused as it is inflated (a zip bomb
never reaches memory). Anything else (a renamed program, an SVG, HTML) is refused with a
sentence that says why.

Accepted files live in the database (every backup holds them; nothing is under the web root)
and are served only as downloads (`Content-Disposition: attachment`, a sandboxing CSP, no
sniffing), to staff and the round's panel. They are personal data of the group: erasing the
application's personal data erases them (registered with `changes.erasure_step`).
"""

import copy
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from panel.applications.changes import erasure_step
from panel.applications.extras import documents
from panel.extensions import db
from panel.models import Application, ApplicationDraft, Attachment, FormDocument, FundingRound

MAX_FILE_BYTES = 4 * 1024 * 1024  # each file (a whole request is at most 5 MB: panel.config)
MAX_APPLICATION_BYTES = 15 * 1024 * 1024  # all of one application's files together
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024  # what an office document's parts may inflate to
MAX_ZIP_MEMBERS = 2000
INFLATE_CHUNK = 64 * 1024

KINDS = {
    "pdf": ("application/pdf", ".pdf", "PDF"),
    "png": ("image/png", ".png", "PNG image"),
    "jpeg": ("image/jpeg", ".jpg", "JPEG image"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
        "Word document",
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".xlsx",
        "Excel spreadsheet",
    ),
    "odt": ("application/vnd.oasis.opendocument.text", ".odt", "OpenDocument text"),
}
ACCEPT = ".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.odt"
TYPES_IN_WORDS = "a PDF, a Word document (.docx), an OpenDocument text (.odt), an Excel "
TYPES_IN_WORDS += "spreadsheet (.xlsx), or a photo or scan saved as PNG or JPEG"

# What a PDF may not contain: scripts, and actions that run when it opens or launch programs.
PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|OpenAction|AA|EmbeddedFile|RichMedia|XFA)\b")


class AttachmentRefused(ValueError):
    """A file we will not keep; the message says why, fit to show to the group."""


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    kind: str
    data: bytes


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def check_file(filename: str, data: bytes, *, max_bytes: int = MAX_FILE_BYTES) -> CheckedFile:
    """The file as one we accept, or AttachmentRefused saying why (policy: content, not name)."""
    name = safe_filename(filename)
    if not data:
        raise AttachmentRefused(f"“{name}” is empty. Choose the file again.")
    if len(data) > max_bytes:
        raise AttachmentRefused(
            f"“{name}” is {_mb(len(data))}: each file must be smaller than {_mb(max_bytes)}. "
            "Save it smaller (for a scan, a lower resolution), then attach it again."
        )
    kind = _kind_of(name, data)
    return CheckedFile(filename=_with_extension(name, kind), kind=kind, data=data)


def _kind_of(name: str, data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        if PDF_ACTIVE.search(data):
            raise AttachmentRefused(
                f"“{name}” is a PDF that contains a script or an action that runs when it is "
                "opened, so we cannot accept it. Print it to a new PDF, or save it from your "
                "word processor again, then attach that."
            )
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(name, data)
    raise AttachmentRefused(
        f"“{name}” is not a kind of file we accept, whatever its name says. Attach "
        f"{TYPES_IN_WORDS}."
    )


def _office_kind(name: str, data: bytes) -> str:
    not_office = AttachmentRefused(
        f"“{name}” is a zip file but not a Word, Excel or OpenDocument file. Attach "
        f"{TYPES_IN_WORDS}."
    )
    too_big = AttachmentRefused(
        f"“{name}” unpacks to far more than its size, so we cannot open it safely. Save it "
        "again from your word processor or spreadsheet, then attach it."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise too_big
            if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
                raise too_big
            names = {m.filename for m in members}
            for member in members:
                _inflate_counting(archive, member, too_big, not_office)
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return "docx"
            if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names and "content.xml" in names:
                mimetype = archive.read("mimetype").strip()
                if mimetype == KINDS["odt"][0].encode():
                    return "odt"
    except AttachmentRefused:
        raise
    except Exception as exc:  # any other failure to unpack an untrusted file is a refusal
        raise not_office from exc
    raise not_office


def _inflate_counting(
    archive: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    too_big: AttachmentRefused,
    not_office: AttachmentRefused,
) -> None:
    """Inflate one part in chunks, refusing it once it passes the size it declares."""
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise not_office
    if member.flag_bits & 0x1:  # encrypted
        raise not_office
    # zipfile stops at the declared size: let it read further, so a lying part shows itself.
    unbounded = copy.copy(member)
    unbounded.file_size = member.file_size + 2 * INFLATE_CHUNK
    inflated = 0
    with archive.open(unbounded) as part:
        while chunk := part.read(INFLATE_CHUNK):
            inflated += len(chunk)
            if inflated > member.file_size:
                raise too_big


def safe_filename(filename: str) -> str:
    """The name to show and to download as: no folders, no control or odd characters."""
    name = unicodedata.normalize("NFKC", (filename or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = re.sub(r"[^\w .()-]", "_", name).strip(" ._")
    return name[:150] or "file"


def _with_extension(name: str, kind: str) -> str:
    """The name ending as its real kind does (a PDF named .exe downloads as .pdf)."""
    extension = KINDS[kind][1]
    stem, dot, ending = name.rpartition(".")
    known = {KINDS[kind][1].lstrip(".")} | ({"jpeg"} if kind == "jpeg" else set())
    if dot and ending.lower() in known:
        return name
    return f"{stem or name}{extension}" if dot else f"{name}{extension}"


def disposition(filename: str) -> str:
    """A Content-Disposition that always downloads, under a safe name (ASCII and UTF-8)."""
    name = safe_filename(filename)
    plain = name.encode("ascii", "replace").decode().replace("?", "_")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name)}"


def content_type(attachment: Attachment) -> str:
    """The MIME type it is served with: the one its content showed."""
    return KINDS[attachment.kind][0]


# --------------------------------------------------------------------------- keeping them


def files_of(
    *, application: Application | None = None, draft: ApplicationDraft | None = None
) -> list[Attachment]:
    """An application's or a draft's files (without their bytes), in the order they came."""
    query = db.select(Attachment)
    if application is not None:
        query = query.where(Attachment.application_id == application.id)
    elif draft is not None:
        query = query.where(Attachment.draft_id == draft.id)
    else:
        return []
    return list(db.session.execute(query.order_by(Attachment.id)).scalars())


def keep(
    *,
    round_: FundingRound,
    checked: dict[int, CheckedFile],
    application: Application | None = None,
    draft: ApplicationDraft | None = None,
) -> list[Attachment]:
    """Store the checked files, one per asked-for document id, replacing any file an earlier
    save gave the same document; refuse when all the files together pass the limit."""
    existing = files_of(application=application, draft=draft)
    replaced = [a for a in existing if a.document_id in checked]
    kept_size = sum(a.size for a in existing if a not in replaced)
    total = kept_size + sum(len(f.data) for f in checked.values())
    if total > MAX_APPLICATION_BYTES:
        raise AttachmentRefused(
            f"Your files add up to {_mb(total)}: together they must be smaller than "
            f"{_mb(MAX_APPLICATION_BYTES)}. Attach smaller copies."
        )
    if replaced:
        gone = [a.id for a in replaced]
        db.session.execute(db.delete(Attachment).where(Attachment.id.in_(gone)))
    labels = {d.id: d.label for d in documents(round_)}
    added = []
    for document_id, file in checked.items():
        attachment = Attachment(
            round_id=round_.id,
            application_id=application.id if application is not None else None,
            draft_id=draft.id if draft is not None else None,
            document_id=document_id,
            label=labels.get(document_id, "Document"),
            filename=file.filename,
            kind=file.kind,
            size=len(file.data),
            data=file.data,
        )
        db.session.add(attachment)
        added.append(attachment)
    db.session.flush()
    return added


def move_to_application(*, draft: ApplicationDraft, application: Application) -> int:
    """Hand a draft's files to the application it became; how many moved."""
    moved = files_of(draft=draft)
    for attachment in moved:
        attachment.draft_id = None
        attachment.application_id = application.id
    db.session.flush()
    return len(moved)


def missing_documents(round_: FundingRound, *, have: Iterable[int | None]) -> list[FormDocument]:
    """The required documents with no file among the document ids `have`."""
    held = set(have)
    return [d for d in documents(round_) if d.required and d.id not in held]


def attachment_in_round(round_: FundingRound, attachment_id: int) -> Attachment | None:
    """A sent application's file in this round (a draft's files are never served)."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.round_id != round_.id or attachment.application_id is None:
        return None
    return attachment


@erasure_step
def erase_attachments(application: Application) -> dict[str, Any]:
    """Erasing an application's personal data erases its files too (they name people)."""
    count = len(files_of(application=application))
    db.session.execute(db.delete(Attachment).where(Attachment.application_id == application.id))
    return {"attachments_erased": count}
