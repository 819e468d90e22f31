"""Column types shared by the models."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A datetime stored as naive UTC and always returned timezone-aware in UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs a timezone-aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


# Times are stored in UTC; people read and type them in UK time.
UK = ZoneInfo("Europe/London")


def uk_today() -> date:
    """Today's date in the UK."""
    return datetime.now(UK).date()


def end_of_uk_day(day: date) -> datetime:
    """11:59:59pm UK time on `day`, in UTC: "closes at the end of" a date."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=UK).astimezone(UTC)


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)
