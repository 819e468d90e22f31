"""Column types shared by the models, and UK time in one place: today, end of day, in words."""

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


def uk_date(value: date | datetime | None) -> str:
    """A date as people in the UK write it: 5 March 2026."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(UK)
    return f"{value.day} {value:%B %Y}"


def uk_datetime(value: datetime | None) -> str:
    """A moment in UK time: 5 March 2026 at 2:05pm."""
    if value is None:
        return ""
    local = value.astimezone(UK)
    hour = local.hour % 12 or 12
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"
