"""The fund's standard time for each kind of activity a resident does in the app."""

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from panel.extensions import db


class ActivityTime(db.Model):
    """About how long one activity of a kind takes ("a review about 20 minutes"), set by staff.

    A kind without a row uses the default its area gives it.
    """

    __tablename__ = "activity_time"
    __table_args__ = (CheckConstraint("minutes > 0", name="minutes_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), unique=True)
    minutes: Mapped[int] = mapped_column()
