"""Single-use links that let a person choose a password (invites and resets)."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.extensions import Model
from panel.models.types import UTCDateTime, utcnow
from panel.models.user import User


class PasswordLink(Model):
    __tablename__ = "password_link"
    __table_args__ = (CheckConstraint("purpose IN ('invite', 'reset')", name="purpose_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    # Only the SHA-256 of the token is stored: a database leak gives no working links.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )

    user: Mapped[User] = relationship(foreign_keys=[user_id])
