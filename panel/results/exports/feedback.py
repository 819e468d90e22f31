"""Feedback for applicants: one row per application of the round for a mail merge, including
ineligible and withdrawn ones, never a panellist's name, and only the panel comments staff
reviewed and included (in the words they approved)."""

from collections.abc import Iterator, Sequence
from typing import Any

from panel.applications.eligibility import (
    checks_by_application,
    eligibility_criteria,
    failed_reasons,
)
from panel.extensions import db
from panel.models import (
    OUTCOME_LABELS,
    RECOMMENDATION_LABELS,
    Application,
    ApplicationStatus,
    Decision,
    Outcome,
    Recommendation,
)
from panel.results.comments import as_text, reviewed_comments
from panel.results.exports.sheets import decision_rows
from panel.results.exports.spreadsheet import Column, Sheet
from panel.results.services import RoundResults

STATUS_WORDS = {
    ApplicationStatus.RECEIVED: "Not checked",
    ApplicationStatus.ELIGIBLE: "Eligible",
    ApplicationStatus.INELIGIBLE: "Not eligible",
    ApplicationStatus.WITHDRAWN: "Withdrawn",
}


def feedback_sheet(results: RoundResults, *, comments: Sequence[str], conn: Any) -> Sheet:
    """One row per application of the round: its status (and why it was not eligible), the
    decision and its reason, the panel's recommendation, and the reviewed panel comments.

    Comments come from the reviews the results counted, and from no other; `conn` is kept for
    the export jobs' signature (every read here is through the session)."""
    round_ = results.round
    columns = [
        Column("Reference", "text", 13),
        Column("Organisation", "text", 30),
        Column("Project", "text", 30),
        Column("Contact name", "text", 20),
        Column("Contact email", "text", 28),
        Column("Application status", "text", 14),
        Column("Why it was not considered", "text", 40),
        Column("Decision", "text", 16),
        Column("Amount requested", "money", 17),
        Column("Amount awarded", "money", 16),
        Column("Reason", "text", 60),
        Column("Panel recommendation", "text", 18),
        Column("Panel comments", "text", 100),
        Column("Comments not yet reviewed", "int", 12),
    ]
    decisions = decision_rows(round_.id)
    recommended = {
        app_id: rec
        for app_id, rec in db.session.execute(
            db.select(Decision.application_id, Decision.panel_recommendation).where(
                Decision.round_id == round_.id, Decision.status == "confirmed"
            )
        )
    }
    apps = db.session.execute(
        db.select(
            Application.id,
            Application.reference,
            Application.organisation_name,
            Application.project_title,
            Application.contact_name,
            Application.contact_email,
            Application.status,
            Application.withdrawn_reason,
            Application.amount_requested_pence,
        )
        .where(Application.round_id == round_.id)
        .order_by(Application.reference)
    ).all()
    checks = checks_by_application(round_)
    rules = eligibility_criteria(round_)
    reviewed = reviewed_comments(
        results, overall="overall" in comments, criterion="criterion" in comments
    )
    waiting = reviewed.waiting

    def rows() -> Iterator[tuple[Any, ...]]:
        for app_id, ref, org, project, contact, email, status, withdrawn, asked in apps:
            decided = decisions.get(app_id)
            label, awarded, reason = "", None, ""
            if decided is not None and decided[1] == "confirmed":
                label = OUTCOME_LABELS[Outcome(decided[0])]
                awarded = decided[2] if decided[0] in (Outcome.FUND, Outcome.PART) else None
                reason = decided[3]
            why = ""
            if status == ApplicationStatus.INELIGIBLE:
                failed = failed_reasons(checks.get(app_id, {}), rules)
                why = "; ".join(f"{title}: {note}" if note else title for title, note in failed)
            elif status == ApplicationStatus.WITHDRAWN:
                why = withdrawn or ""
            text = as_text(reviewed.included.get(app_id, []))
            rec = recommended.get(app_id)
            yield (
                ref,
                org,
                project,
                contact,
                email,
                STATUS_WORDS.get(ApplicationStatus(status), status),
                why,
                label,
                asked,
                awarded,
                reason,
                RECOMMENDATION_LABELS[Recommendation(rec)] if rec else "",
                text,
                waiting.get(app_id, 0) or None,
            )

    return Sheet("Feedback", columns, rows(), wrap=True)
