"""A funding round of the Community Fund, its stages and its panel."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.extensions import Model
from panel.models.types import UTCDateTime, utcnow
from panel.models.user import User


class Stage(StrEnum):
    CODESIGN = "codesign"
    APPLICATIONS = "applications"
    ELIGIBILITY = "eligibility"
    SCORING = "scoring"
    PANEL = "panel"
    DECIDED = "decided"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]

    @property
    def position(self) -> int:
        return STAGE_ORDER.index(self)

    def next(self) -> "Stage | None":
        i = self.position + 1
        return STAGE_ORDER[i] if i < len(STAGE_ORDER) else None


STAGE_ORDER = list(Stage)
STAGE_LABELS = {
    Stage.CODESIGN: "Co-design",
    Stage.APPLICATIONS: "Applications open",
    Stage.ELIGIBILITY: "Eligibility check",
    Stage.SCORING: "Scoring",
    Stage.PANEL: "Panel meeting",
    Stage.DECIDED: "Decided",
}
_STAGE_SQL = ", ".join(f"'{s.value}'" for s in Stage)


class PanelRole(StrEnum):
    PANELLIST = "panellist"
    CHAIR = "chair"


class FundingRound(Model):
    __tablename__ = "funding_round"
    __table_args__ = (
        CheckConstraint(f"stage IN ({_STAGE_SQL})", name="stage_known"),
        CheckConstraint("budget_pence >= 0", name="budget_not_negative"),
        CheckConstraint("min_award_pence >= 0", name="min_award_not_negative"),
        CheckConstraint("max_award_pence >= min_award_pence", name="award_range_ordered"),
        CheckConstraint(
            "scale_min >= 0 AND scale_max > scale_min AND scale_max <= 10", name="scale"
        ),
        CheckConstraint("quorum >= 1", name="quorum_positive"),
        CheckConstraint("rank_by IN ('mean', 'median', 'calibrated')", name="rank_by_known"),
        CheckConstraint("allocation_policy IN ('skip', 'stop')", name="policy_known"),
        CheckConstraint("min_percent >= 0 AND min_percent <= 100", name="min_percent_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    fund_name: Mapped[str] = mapped_column(String(120))
    # Application references look like CF25-0007.
    reference_prefix: Mapped[str] = mapped_column(String(12), default="CF")
    budget_pence: Mapped[int] = mapped_column(BigInteger)
    min_award_pence: Mapped[int] = mapped_column(BigInteger)
    max_award_pence: Mapped[int] = mapped_column(BigInteger)
    scale_min: Mapped[int] = mapped_column(default=0)
    scale_max: Mapped[int] = mapped_column(default=5)
    quorum: Mapped[int] = mapped_column(default=3)
    applications_open_on: Mapped[date | None] = mapped_column(default=None)
    applications_close_on: Mapped[date | None] = mapped_column(default=None)
    scoring_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    blind_scoring: Mapped[bool] = mapped_column(default=True)
    stage: Mapped[str] = mapped_column(String(20), default=Stage.CODESIGN)
    # Why staff opened applications without criteria adopted with the panel (None: they did
    # not); shown on "How these criteria were agreed".
    criteria_by_staff_reason: Mapped[str | None] = mapped_column(Text, default=None)
    # Method settings (docs/scoring-method.md): shown in the export's About sheet.
    rank_by: Mapped[str] = mapped_column(String(12), default="mean")
    calibrate: Mapped[bool] = mapped_column(default=False)
    allocation_policy: Mapped[str] = mapped_column(String(4), default="skip")
    min_percent: Mapped[int] = mapped_column(default=0)
    sd_flag_percent: Mapped[int] = mapped_column(default=20)
    range_flag_percent: Mapped[int] = mapped_column(default=40)
    panellists_see_results: Mapped[bool] = mapped_column(default=True)
    # "You said, we did" is public at /fund/<slug> from this moment, once the round is Decided.
    outcome_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )

    members: Mapped[list["RoundMember"]] = relationship(
        back_populates="round", order_by="RoundMember.id"
    )

    @property
    def current_stage(self) -> Stage:
        return Stage(self.stage)

    @property
    def scale_levels(self) -> range:
        return range(self.scale_min, self.scale_max + 1)

    def __repr__(self) -> str:
        return f"<FundingRound {self.slug} {self.stage}>"


class RoundMember(Model):
    """A resident on a round's panel. Removal keeps the row (removed_at) for the history."""

    __tablename__ = "round_member"
    __table_args__ = (
        UniqueConstraint("round_id", "user_id"),
        CheckConstraint("role IN ('panellist', 'chair')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("funding_round.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    role: Mapped[str] = mapped_column(String(20), default=PanelRole.PANELLIST)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    round: Mapped[FundingRound] = relationship(back_populates="members")
    user: Mapped[User] = relationship()

    @property
    def is_current(self) -> bool:
        return self.removed_at is None
