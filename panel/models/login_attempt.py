"""Failed sign-ins, kept in the database so throttling holds across every web worker."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from panel.extensions import Model
from panel.models.types import UTCDateTime, utcnow


class LoginFailure(Model):
    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The lower-cased email typed (whether or not such an account exists) and the client address.
    email: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
