"""Applications from community groups, and staff's eligibility checks of them."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.extensions import Model
from panel.models.types import UTCDateTime, utcnow
from panel.models.user import User


class ApplicationStatus(StrEnum):
    RECEIVED = "received"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    WITHDRAWN = "withdrawn"


class OrganisationType(StrEnum):
    COMMUNITY_GROUP = "community_group"
    CHARITY = "charity"
    CIO = "cio"
    CIC = "cic"
    CLG = "clg"
    OTHER = "other"


ORGANISATION_TYPE_LABELS = {
    OrganisationType.COMMUNITY_GROUP: "Constituted community group",
    OrganisationType.CHARITY: "Registered charity",
    OrganisationType.CIO: "Charitable incorporated organisation (CIO)",
    OrganisationType.CIC: "Community interest company (CIC)",
    OrganisationType.CLG: "Company limited by guarantee",
    OrganisationType.OTHER: "Other",
}


def _in(values: type[StrEnum]) -> str:
    return ", ".join(f"'{v.value}'" for v in values)


class Application(Model):
    __tablename__ = "application"
    __table_args__ = (
        UniqueConstraint("round_id", "number"),
        CheckConstraint(f"status IN ({_in(ApplicationStatus)})", name="status_known"),
        CheckConstraint(f"organisation_type IN ({_in(OrganisationType)})", name="org_type_known"),
        CheckConstraint("source IN ('online', 'import', 'staff')", name="source_known"),
        CheckConstraint("amount_requested_pence >= 0", name="amount_not_negative"),
        CheckConstraint("beneficiaries IS NULL OR beneficiaries >= 0", name="beneficiaries"),
        # One row of one uploaded spreadsheet becomes at most one application, whoever presses
        # "Import" and however often (docs/security.md item 28).
        UniqueConstraint("import_id", "import_row"),
        CheckConstraint("(import_id IS NULL) = (import_row IS NULL)", name="import_row_pair"),
        # "Next to score" reads this in order and stops at the first application the panellist
        # may still score (panel/scoring/services/progress.py, next_to_score).
        Index("ix_application_next_to_score", "round_id", "status", "counted_reviews", "reference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("funding_round.id", ondelete="RESTRICT"), index=True
    )
    number: Mapped[int] = mapped_column()
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    organisation_name: Mapped[str] = mapped_column(String(200))
    organisation_type: Mapped[str] = mapped_column(String(30))
    charity_number: Mapped[str | None] = mapped_column(String(20), default=None)
    company_number: Mapped[str | None] = mapped_column(String(20), default=None)
    # Personal data: staff only; erasable on request (then None and personal_data_erased_at set).
    contact_name: Mapped[str | None] = mapped_column(String(120), default=None)
    contact_email: Mapped[str | None] = mapped_column(String(254), default=None)
    contact_phone: Mapped[str | None] = mapped_column(String(40), default=None)
    postcode: Mapped[str | None] = mapped_column(String(10), default=None)
    project_title: Mapped[str] = mapped_column(String(140))
    summary: Mapped[str] = mapped_column(Text)
    spend_on: Mapped[str] = mapped_column(Text, default="")
    amount_requested_pence: Mapped[int] = mapped_column(BigInteger)
    beneficiaries: Mapped[int | None] = mapped_column(default=None)
    location: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default=ApplicationStatus.RECEIVED)
    source: Mapped[str] = mapped_column(String(10), default="online")
    # A one-time key from the form: pressing submit twice creates one application.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    # An imported application's spreadsheet: the upload and the row it came from.
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("application_import.id", ondelete="RESTRICT"), default=None
    )
    import_row: Mapped[int | None] = mapped_column(default=None)
    version: Mapped[int] = mapped_column(default=1)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text, default=None)
    personal_data_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # Answers to the round's extra questions (panel.models.application_form.FormQuestion), as
    # text by question key ("q12"); a question removed later leaves its answer here.
    extra_answers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")
    # How many of its reviews count (submitted, and not set aside by a standing conflict, as
    # panel.scoring.services.lookups.is_counted says). Kept by the database's triggers on review
    # and conflict (panel/models/counted.py), never written by the app: it may be stale in a
    # session that has changed a review since it loaded the application.
    # The CHECK is the column's own (as migration 0015 adds it), so SQLite can drop the column.
    counted_reviews: Mapped[int] = mapped_column(
        CheckConstraint("counted_reviews >= 0", name="counted_reviews_not_negative"),
        default=0,
        server_default="0",
    )

    checks: Mapped[list["EligibilityCheck"]] = relationship(back_populates="application")

    @property
    def organisation_type_label(self) -> str:
        return ORGANISATION_TYPE_LABELS[OrganisationType(self.organisation_type)]


class EligibilityCheck(Model):
    """Staff's pass or fail of one application against one adopted eligibility criterion."""

    __tablename__ = "eligibility_check"
    __table_args__ = (
        UniqueConstraint("application_id", "rubric_criterion_id"),
        CheckConstraint("passed OR (note IS NOT NULL AND note <> '')", name="fail_has_note"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    rubric_criterion_id: Mapped[int] = mapped_column(
        ForeignKey("rubric_criterion.id", ondelete="RESTRICT")
    )
    passed: Mapped[bool] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text, default=None)
    checked_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="checks")
    checked_by: Mapped[User] = relationship()


class ApplicationImport(Model):
    """An uploaded spreadsheet between upload and import, kept in the database (not on disk).

    `rows` holds the parsed cells as text; it is emptied once the import runs or is abandoned,
    so applicants' personal data does not linger here.
    """

    __tablename__ = "application_import"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'imported', 'cancelled')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("funding_round.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    # Header texts in file order, and [{"row": spreadsheet row number, "cells": [text, ...]}].
    headers: Mapped[list[str]] = mapped_column(JSON, default=list)
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # {field key: column index}: guessed from the headers, corrected by staff.
    mapping: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    imported_count: Mapped[int | None] = mapped_column(default=None)


class ApplicationAttempt(Model):
    """One application sent through the public form, by client address, for the rate limit.

    Kept in the database so the limit holds across every web worker.
    """

    __tablename__ = "application_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # A fingerprint of the answers (panel.applications.repeats): the same answers sent again
    # never count twice. None for a bot's honeypot send, which always counts.
    content_hash: Mapped[str | None] = mapped_column(String(64), default=None)
