"""Erasing an application's personal data reaches its grant: the report's photos are deleted,
and who accepted the offer and the report's own words are blanked. The amounts, dates, status
and head count stay, as the fund's records of what it paid for."""

from typing import Any

from panel.applications.changes import erasure_step
from panel.extensions import db
from panel.models import Application, Grant, GrantPhoto, GrantReport

# The acceptance must still say someone accepted (a CHECK keeps accepted offers named).
ERASED_NAME = "Name erased"
ERASED_ROLE = "role erased"
REPORT_TEXTS = ("what_happened", "story", "differently", "spending", "review_note")


@erasure_step
def erase_grant_personal_data(application: Application) -> dict[str, Any]:
    """Erasing an application's personal data erases its grant's photos, acceptor and report
    words (they may name or show people); the log gets counts only."""
    grant = db.session.execute(
        db.select(Grant).where(Grant.application_id == application.id)
    ).scalar_one_or_none()
    if grant is None:
        return {"grant_photos_erased": 0, "grant_texts_erased": 0}
    texts = 0
    if grant.accepted_at is not None:
        texts += sum(1 for v in (grant.accepted_name, grant.accepted_role) if v)
        grant.accepted_name, grant.accepted_role = ERASED_NAME, ERASED_ROLE
        grant.version += 1  # a form opened before the erasure must not save the old words
    photos = 0
    report = db.session.execute(
        db.select(GrantReport).where(GrantReport.grant_id == grant.id)
    ).scalar_one_or_none()
    if report is not None:
        texts += sum(1 for key in REPORT_TEXTS if getattr(report, key))
        for key in REPORT_TEXTS:
            setattr(report, key, "")
        report.version += 1
        photos = len(report.photos)
        db.session.execute(db.delete(GrantPhoto).where(GrantPhoto.report_id == report.id))
        db.session.expire(report, ["photos"])
    db.session.flush()
    return {"grant_photos_erased": photos, "grant_texts_erased": texts}
