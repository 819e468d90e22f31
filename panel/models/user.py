"""People who sign in: staff and residents."""

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from panel.extensions import Model
from panel.models.types import UTCDateTime, utcnow


class Role(StrEnum):
    STAFF = "staff"
    RESIDENT = "resident"


class User(UserMixin, Model):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint("role IN ('staff', 'resident')", name="role_known"),
        CheckConstraint("email = lower(email)", name="email_lower"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased so uniqueness is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20), default=Role.RESIDENT)
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    # Bumped on logout, password change and deactivation: older session cookies stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_staff(self) -> bool:
        return self.role == Role.STAFF

    @property
    def is_active(self) -> bool:  # used by Flask-Login
        return self.active

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
