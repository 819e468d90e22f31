"""Counter rows that make a limit's check and its write one step, on every database."""

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from panel.extensions import Model
from panel.models.types import UTCDateTime


class Throttle(Model):
    """One row per thing a limit counts: "email:<typed email>" and "address:<client address>"
    for signing in, "apply:<client address>" for the public form.

    A request locks its rows (panel/limits.py) before it checks them and keeps the lock until it
    commits what it did, so simultaneous requests take turns. For signing in, the row also holds
    the failures and the moment the next attempt may be checked; the public form's limit counts
    its ApplicationAttempt rows under the lock.
    """

    __tablename__ = "throttle"
    __table_args__ = (CheckConstraint("failures >= 0", name="failures_not_negative"),)

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None, index=True)
    wait_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
