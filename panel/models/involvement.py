"""The involvement record: what residents gave to the fund, in time, and what staff gave.

Personal data: each row is one person's, shown only to them and to staff. Erasing a person's
record removes the link to them (person_id becomes NULL, erased_key a random stand-in shared by
their rows) and their notes, so the round's totals still add up without saying whose they were.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.extensions import Model
from panel.models.audit import AuditEvent
from panel.models.types import UTCDateTime, utcnow


class CoproStage(StrEnum):
    """The parts of a round that co-production is counted in."""

    COINITIATION = "coinitiation"
    CODESIGN = "codesign"
    APPLICATIONS = "applications"
    SCORING = "scoring"
    MEETING = "meeting"

    @property
    def label(self) -> str:
        return COPRO_STAGE_LABELS[self]


COPRO_STAGE_LABELS = {
    CoproStage.COINITIATION: "Co-initiation (ideas)",
    CoproStage.CODESIGN: "Co-design (criteria)",
    CoproStage.APPLICATIONS: "Applications",
    CoproStage.SCORING: "Scoring",
    CoproStage.MEETING: "Panel meeting",
}


class ActivityKind(StrEnum):
    """What a resident did: in the app (recorded as it happens) or off-screen (typed in)."""

    # Counted from the app: each value is a kind of task in `panel.fund.times.KINDS`, whose
    # minutes (staff's, or the default there) an entry of that kind takes.
    IDEA = "post_idea"
    IDEA_SUPPORT = "support_idea"
    IDEA_COMMENT = "comment_on_idea"
    PROPOSAL = "propose_criterion"
    COMMENT = "comment_on_criterion"
    SUPPORT = "support_criterion"
    WEIGHTS = "share_weights"
    REVIEW = "score_application"
    MEETING = "panel_meeting"
    WELCOME = "read_welcome"
    DESCRIPTORS = "write_descriptors"
    # Typed in by the resident or staff.
    WORKSHOP = "workshop"
    TRAINING = "training"
    VISIT = "visit"
    PHONE_CALL = "phone_call"
    TRAVEL = "travel"

    @property
    def label(self) -> str:
        return ACTIVITY_LABELS[self]


ACTIVITY_LABELS = {
    ActivityKind.IDEA: "Posted an idea for the fund",
    ActivityKind.IDEA_SUPPORT: "Supported an idea",
    ActivityKind.IDEA_COMMENT: "Commented on an idea",
    ActivityKind.PROPOSAL: "Proposed a criterion",
    ActivityKind.COMMENT: "Commented on a criterion",
    ActivityKind.SUPPORT: "Supported a criterion",
    ActivityKind.WEIGHTS: "Shared out the weights",
    ActivityKind.REVIEW: "Scored an application",
    ActivityKind.MEETING: "Came to a panel meeting",
    ActivityKind.WELCOME: "Read the welcome and agreed to the code of conduct",
    ActivityKind.DESCRIPTORS: "Wrote what each score of a criterion looks like",
    ActivityKind.WORKSHOP: "Workshop",
    ActivityKind.TRAINING: "Training session",
    ActivityKind.VISIT: "Visit",
    ActivityKind.PHONE_CALL: "Phone call",
    ActivityKind.TRAVEL: "Travel time",
}
OFFSCREEN_KINDS = (
    ActivityKind.WORKSHOP,
    ActivityKind.TRAINING,
    ActivityKind.VISIT,
    ActivityKind.PHONE_CALL,
    ActivityKind.TRAVEL,
)

# An off-screen entry is one sitting: at most a day. Staff may record a longer stretch at once.
MAX_ENTRY_MINUTES = 24 * 60
MAX_STAFF_MINUTES = 200 * 60


def _known(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


_SOMEONE = "person_id IS NOT NULL OR erased_key IS NOT NULL"


class InvolvementEntry(Model):
    """Time one resident gave: an activity in the app, a meeting, or something off-screen."""

    __tablename__ = "involvement_entry"
    __table_args__ = (
        CheckConstraint(_known("kind", ActivityKind), name="kind_known"),
        CheckConstraint(f"stage IS NULL OR {_known('stage', CoproStage)}", name="stage_known"),
        CheckConstraint("round_id IS NULL OR stage IS NOT NULL", name="round_has_stage"),
        CheckConstraint(f"minutes >= 1 AND minutes <= {MAX_ENTRY_MINUTES}", name="minutes_range"),
        CheckConstraint(_SOMEONE, name="someone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), index=True
    )
    erased_key: Mapped[str | None] = mapped_column(String(32), default=None)
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("funding_round.id", ondelete="RESTRICT"), index=True, default=None
    )
    stage: Mapped[str | None] = mapped_column(String(20), default=None)
    kind: Mapped[str] = mapped_column(String(40))
    happened_on: Mapped[date] = mapped_column()
    minutes: Mapped[int] = mapped_column()
    # True while `minutes` is the fund's standard time (or the meeting's length), not typed in.
    standard: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    # Where an entry recorded from the app came from: its audit row, or a meeting's register.
    audit_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("audit_event.id", ondelete="RESTRICT"), unique=True, default=None
    )
    attendance_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_attendance.id", ondelete="RESTRICT"), unique=True, default=None
    )
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    audit_event: Mapped[AuditEvent | None] = relationship()

    @property
    def activity(self) -> ActivityKind:
        return ActivityKind(self.kind)

    @property
    def offscreen(self) -> bool:
        return self.activity in OFFSCREEN_KINDS


class StaffTime(Model):
    """Time a member of staff spent supporting a round at one stage: who, how long, on what."""

    __tablename__ = "staff_time"
    __table_args__ = (
        CheckConstraint(_known("stage", CoproStage), name="stage_known"),
        CheckConstraint(f"minutes >= 1 AND minutes <= {MAX_STAFF_MINUTES}", name="minutes_range"),
        CheckConstraint(_SOMEONE.replace("person_id", "staff_id"), name="someone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), index=True
    )
    erased_key: Mapped[str | None] = mapped_column(String(32), default=None)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("funding_round.id", ondelete="RESTRICT"), index=True
    )
    stage: Mapped[str] = mapped_column(String(20))
    worked_on: Mapped[date] = mapped_column()
    minutes: Mapped[int] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CoproductionSetting(Model):
    """A round's hourly rate for residents' time (and where it comes from), and whether its
    co-production totals may appear on public pages."""

    __tablename__ = "coproduction_setting"
    __table_args__ = (
        CheckConstraint("hourly_rate_pence IS NULL OR hourly_rate_pence >= 0", name="rate"),
    )

    round_id: Mapped[int] = mapped_column(
        ForeignKey("funding_round.id", ondelete="CASCADE"), primary_key=True
    )
    hourly_rate_pence: Mapped[int | None] = mapped_column(BigInteger, default=None)
    rate_source: Mapped[str] = mapped_column(Text, default="")
    totals_published: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), default=None
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
