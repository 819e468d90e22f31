"""End-of-grant reports: the group sends one through its private link (with optional photos,
each a PNG or JPEG checked by its content), staff accept it or ask for more with a note, and
staff see which reports are overdue."""

from dataclasses import dataclass
from datetime import date

from panel.audit import record
from panel.extensions import db
from panel.fund.images import ImageRefused, check_image
from panel.grants.links import use
from panel.grants.services import GrantError, StaleGrant
from panel.models import (
    Application,
    FundingRound,
    Grant,
    GrantLink,
    GrantPhoto,
    GrantReport,
    ReportStatus,
    User,
)
from panel.models.types import uk_today, utcnow

MAX_PHOTOS = 4
PHOTO_MAX_BYTES = 1024 * 1024  # four of them stay under the 5 MB a request may carry
# Overdue reports are reminded by email from panel/grants/reminders.py (a periodic task).


@dataclass(frozen=True)
class ReportValues:
    what_happened: str
    people_count: int | None
    story: str
    differently: str
    spending: str
    spent_pence: int | None


@dataclass(frozen=True)
class Overdue:
    grant: Grant
    application: Application
    round_: FundingRound
    days_late: int
    asked_for_more: bool


def report_of(grant_id: int) -> GrantReport | None:
    return db.session.execute(
        db.select(GrantReport).where(GrantReport.grant_id == grant_id)
    ).scalar_one_or_none()


def may_report(grant: Grant) -> bool:
    """Whether the group may (still) send its report: accepted, and not yet accepted by staff."""
    report = report_of(grant.id)
    return grant.accepted_at is not None and (
        report is None or report.status == ReportStatus.MORE_NEEDED
    )


def _check(values: ReportValues, photos: list[bytes]) -> list[tuple[str, str]]:
    problems = []
    if not values.what_happened.strip():
        problems.append(("what_happened", "Tell us what happened"))
    if values.people_count is None:
        problems.append(("people_count", "Enter how many people took part, like 40"))
    elif values.people_count < 0:
        problems.append(("people_count", "Enter 0 or more people"))
    if not values.story.strip():
        problems.append(("story", "Tell us a short story from the project"))
    if values.spent_pence is None:
        problems.append(("spent", "Enter how much of the grant you spent, like 1200"))
    if not values.spending.strip():
        problems.append(("spending", "Tell us what the money was spent on"))
    if len(photos) > MAX_PHOTOS:
        problems.append(("photos", f"Send {MAX_PHOTOS} photos or fewer"))
    for number, data in enumerate(photos, start=1):
        try:
            check_image(data, max_bytes=PHOTO_MAX_BYTES, what=f"Photo {number}")
        except ImageRefused as exc:
            problems.append(("photos", str(exc)))
    return problems


def submit_report(
    *, link: GrantLink, grant: Grant, values: ReportValues, photos: list[bytes]
) -> GrantReport:
    """The group sends its end-of-grant report (again, if staff asked for more); the link is
    used up. Photos are kept only once every one of them passes the checks."""
    if not may_report(grant):
        raise GrantError([("form", "This grant's report cannot be sent now.")])
    problems = _check(values, photos)
    if problems:
        raise GrantError(problems)
    report = report_of(grant.id)
    if report is None:
        report = GrantReport(grant_id=grant.id, version=0)
        db.session.add(report)
    report.what_happened = values.what_happened.strip()
    report.people_count = values.people_count or 0
    report.story = values.story.strip()
    report.differently = values.differently.strip()
    report.spending = values.spending.strip()
    report.spent_pence = values.spent_pence or 0
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = utcnow()
    report.version = (report.version or 0) + 1
    db.session.flush()
    for data in photos:
        checked = check_image(data, max_bytes=PHOTO_MAX_BYTES)
        db.session.add(
            GrantPhoto(
                report_id=report.id,
                content_type=checked.content_type,
                size=checked.size,
                content=data,
            )
        )
    use(link)
    db.session.flush()
    record(
        actor=None,
        action="grant.report_submitted",
        object_type="grant",
        object_id=grant.id,
        round_id=grant.round_id,
        after={"people_count": report.people_count, "photos": len(photos)},
    )
    return report


def review_report(
    *, report: GrantReport, accept: bool, note: str, expected_version: int, actor: User
) -> None:
    """Staff accept a sent report, or ask for more with a note the group reads."""
    if report.version != expected_version:
        raise StaleGrant()
    if report.status != ReportStatus.SUBMITTED:
        raise GrantError([("form", "This report has already been reviewed.")])
    if not accept and not note.strip():
        raise GrantError([("note", "Say what more you need from the group")])
    report.status = ReportStatus.ACCEPTED if accept else ReportStatus.MORE_NEEDED
    report.review_note = note.strip()
    report.reviewed_at = utcnow()
    report.reviewed_by_id = actor.id
    report.version += 1
    db.session.flush()
    grant = db.session.get(Grant, report.grant_id)
    record(
        actor=actor,
        action="grant.report_accepted" if accept else "grant.report_more_needed",
        object_type="grant",
        object_id=report.grant_id,
        round_id=grant.round_id if grant else None,
        after={"note": report.review_note} if report.review_note else None,
    )


def photo(photo_id: int) -> GrantPhoto | None:
    return db.session.get(GrantPhoto, photo_id)


def overdue_reports(today: date | None = None) -> list[Overdue]:
    """Accepted grants whose report is past its due date and not sent (or sent back for more),
    the latest first."""
    day = today or uk_today()
    rows = db.session.execute(
        db.select(Grant, Application, FundingRound, GrantReport)
        .join(Application, Grant.application_id == Application.id)
        .join(FundingRound, Grant.round_id == FundingRound.id)
        .outerjoin(GrantReport, GrantReport.grant_id == Grant.id)
        .where(
            Grant.accepted_at.is_not(None),
            Grant.report_due_on < day,
            (GrantReport.id.is_(None)) | (GrantReport.status == ReportStatus.MORE_NEEDED),
        )
        .order_by(Grant.report_due_on, Application.reference)
    ).all()
    return [
        Overdue(g, a, r, (day - g.report_due_on).days, rep is not None) for g, a, r, rep in rows
    ]


def report_of_photo(found: GrantPhoto) -> GrantReport | None:
    return db.session.get(GrantReport, found.report_id)
