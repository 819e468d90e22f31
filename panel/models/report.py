"""Someone on the panel reported a comment for staff to look at (a criterion's or an idea's)."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.extensions import Model
from panel.models.types import UTCDateTime, utcnow
from panel.models.user import User


class CommentReport(Model):
    """One person's report of one comment; staff resolve it by hiding or keeping the comment."""

    __tablename__ = "comment_report"
    __table_args__ = (
        CheckConstraint(
            "(criterion_comment_id IS NULL) <> (idea_comment_id IS NULL)", name="one_comment"
        ),
        UniqueConstraint("criterion_comment_id", "reported_by_id"),
        UniqueConstraint("idea_comment_id", "reported_by_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("criterion_comment.id", ondelete="CASCADE"), default=None, index=True
    )
    idea_comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("idea_comment.id", ondelete="CASCADE"), default=None, index=True
    )
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    reported_by: Mapped[User] = relationship()
