"""The adopted rubric: a frozen, versioned copy of the agreed criteria that scoring uses."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.extensions import Model
from panel.models.types import UTCDateTime, utcnow
from panel.models.user import User


class Rubric(Model):
    __tablename__ = "rubric"
    __table_args__ = (
        UniqueConstraint("round_id", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("funding_round.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column()
    adopted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    adopted_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    note: Mapped[str] = mapped_column(Text, default="")

    adopted_by: Mapped[User] = relationship()
    criteria: Mapped[list["RubricCriterion"]] = relationship(
        back_populates="rubric", order_by="RubricCriterion.position"
    )

    @property
    def scored(self) -> list["RubricCriterion"]:
        return [c for c in self.criteria if c.kind == "scored"]

    @property
    def eligibility(self) -> list["RubricCriterion"]:
        return [c for c in self.criteria if c.kind == "eligibility"]


class RubricCriterion(Model):
    __tablename__ = "rubric_criterion"
    __table_args__ = (
        UniqueConstraint("rubric_id", "position"),
        CheckConstraint("kind IN ('scored', 'eligibility')", name="kind_known"),
        CheckConstraint("weight >= 0 AND weight <= 100", name="weight_range"),
        CheckConstraint("kind = 'scored' OR weight = 0", name="eligibility_unweighted"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubric.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int | None] = mapped_column(
        ForeignKey("criterion.id", ondelete="SET NULL"), default=None
    )
    position: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)
    why: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20))
    weight: Mapped[int] = mapped_column(default=0)
    # The weight the members' shares proposed; `weight_reason` explains any change to it.
    proposed_weight: Mapped[int | None] = mapped_column(default=None)
    weight_reason: Mapped[str | None] = mapped_column(Text, default=None)
    descriptors: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    fixed_reason: Mapped[str | None] = mapped_column(Text, default=None)
    # The members' weight shares when adopted, frozen for the record:
    # {"members": 5, "lowest": 10, "median": "25", "highest": 40, "mean": "27.6"}.
    shares: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)

    rubric: Mapped[Rubric] = relationship(back_populates="criteria")

    @property
    def key(self) -> str:
        """The stable key the scoring engine uses for this criterion."""
        return f"c{self.id}"
