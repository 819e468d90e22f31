"""Money is integer pence. Parsing what people type, and showing it back."""

import re
from decimal import Decimal, InvalidOperation

_POUNDS = re.compile(r"^\d+(\.\d{1,2})?$")


class NotAnAmount(ValueError):
    """Raised with a message fit to show next to the field."""


def parse_pounds(text: str) -> int:
    """Read pounds ("£1,250", "1250.5") as pence; refuse negatives and more than 2 decimals."""
    cleaned = text.strip().replace("£", "").replace(",", "").replace(" ", "")
    if cleaned.startswith("-"):
        raise NotAnAmount("Enter an amount of £0 or more")
    if not cleaned or not _POUNDS.match(cleaned):
        if re.match(r"^\d+\.\d{3,}$", cleaned):
            raise NotAnAmount("Enter an amount in pounds and pence, like 1250.50")
        raise NotAnAmount(f"'{text.strip()}' is not an amount in pounds")
    try:
        pence = int((Decimal(cleaned) * 100).to_integral_exact())
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
        raise NotAnAmount(f"'{text.strip()}' is not an amount in pounds") from exc
    if pence > 10**12:
        raise NotAnAmount("Enter a smaller amount")
    return pence


def format_pence(pence: int | None, *, whole: bool = False) -> str:
    """Show pence as pounds: £1,250.50, or £1,250 when there are no pence."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    pounds, rem = divmod(abs(pence), 100)
    if rem == 0 or whole:
        return f"{sign}£{pounds:,}"
    return f"{sign}£{pounds:,}.{rem:02d}"


def pence_to_input(pence: int | None) -> str:
    """Pence as the plain text a form field shows back ("1250" or "1250.50")."""
    if pence is None:
        return ""
    pounds, rem = divmod(pence, 100)
    return f"{pounds}" if rem == 0 else f"{pounds}.{rem:02d}"
