"""The fund's identity: who funds it (360Giving's funding organisation and grant-id prefix), the
fund's own name, its logo and brand colour, and how the public reaches it.

Staff set it on the Fund settings page; `instance/config.py`'s PANEL_FUNDER_NAME,
PANEL_FUNDER_ORG_ID and PANEL_360G_PREFIX, when set, override the three 360Giving values. Until
the three are set somewhere they are placeholders, and the 360Giving and feedback exports refuse
to run (`placeholder_problem`).
"""

import re
from dataclasses import asdict, dataclass
from typing import Any

from flask import current_app

from panel.audit import changes, record
from panel.extensions import db
from panel.fund.images import check_image
from panel.fund.services import PHONE, FundError, _changing, _current, the_fund
from panel.models import User

PLACEHOLDER_FUNDER = ("Example Housing Association", "GB-CHC-000000", "360G-example")
DEFAULT_FUND_NAME = "Community Fund"
LOGO_MAX_BYTES = 200 * 1024
ORG_ID = re.compile(r"^[A-Z]{2,3}-[A-Z]{2,6}-[A-Za-z0-9.-]{1,40}$")
PREFIX = re.compile(r"^360G-[A-Za-z0-9-]{1,50}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
CONFIG_KEYS = {
    "funder_name": "PANEL_FUNDER_NAME",
    "funder_org_id": "PANEL_FUNDER_ORG_ID",
    "giving_prefix": "PANEL_360G_PREFIX",
}
WHERE_TO_SET = (
    "Set the funder's name, org-id and 360Giving prefix in Fund settings, under "
    "“Funder and contact details” (/fund/identity), then try again."
)


@dataclass(frozen=True)
class IdentityText:
    """What staff type on the identity page (the logo is saved on its own)."""

    funder_name: str
    funder_org_id: str
    giving_prefix: str
    fund_name: str
    public_address: str
    public_phone: str
    public_email: str
    brand_colour: str


@dataclass(frozen=True)
class Identity:
    """The identity in force: config overrides, then what staff saved, then placeholders."""

    funder_name: str
    funder_org_id: str
    giving_prefix: str
    fund_name: str
    public_address: str
    public_phone: str
    public_email: str
    brand_colour: str
    has_logo: bool
    logo_version: int
    placeholder: bool
    overridden: tuple[str, ...]

    @property
    def has_contact(self) -> bool:
        return bool(self.public_address or self.public_phone or self.public_email)


def contrast_with_white(colour: str) -> float:
    """WCAG contrast ratio of white text on `colour` ("#rrggbb"), from 1 to 21."""

    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 1.05 / (luminance + 0.05)


def saved_text() -> IdentityText:
    """What staff saved (empty where they saved nothing), for the settings form."""
    fund = the_fund()
    return IdentityText(
        **{
            k: (getattr(fund, k) if fund is not None else "") or ""
            for k in IdentityText.__dataclass_fields__
        }
    )


def identity() -> Identity:
    """The fund's identity as pages, letters and exports use it (one query)."""
    fund = the_fund()
    saved = asdict(saved_text())
    config = current_app.config
    overridden = tuple(k for k, key in CONFIG_KEYS.items() if config.get(key))
    values: dict[str, Any] = dict(saved)
    for key, conf in CONFIG_KEYS.items():
        if config.get(conf):
            values[key] = str(config[conf])
    placeholder = not all(values[k] for k in CONFIG_KEYS)
    for key, default in zip(CONFIG_KEYS, PLACEHOLDER_FUNDER, strict=True):
        values[key] = values[key] or default
    values["giving_prefix"] = values["giving_prefix"].rstrip("-")
    values["fund_name"] = values["fund_name"] or DEFAULT_FUND_NAME
    return Identity(
        **values,
        has_logo=bool(fund is not None and fund.logo_type),
        logo_version=fund.version if fund is not None else 0,
        placeholder=placeholder,
        overridden=overridden,
    )


def giving_identity() -> tuple[str, str, str]:
    """(funder name, funder org-id, 360Giving prefix) in force, placeholders included."""
    found = identity()
    return found.funder_name, found.funder_org_id, found.giving_prefix


def placeholder_problem() -> str | None:
    """Why the 360Giving and feedback exports may not run yet, or None when they may."""
    if not identity().placeholder:
        return None
    return f"The funder's identity is still the placeholder (“{PLACEHOLDER_FUNDER[0]}”). " + (
        WHERE_TO_SET
    )


def _problems(text: IdentityText) -> list[tuple[str, str]]:
    problems = []
    if text.funder_org_id and not ORG_ID.match(text.funder_org_id):
        problems.append(
            ("funder_org_id", "Enter an org-id in the org-id.guide form, like GB-CHC-1234567")
        )
    if text.giving_prefix and not PREFIX.match(text.giving_prefix):
        problems.append(
            ("giving_prefix", "Enter the prefix 360Giving gave you, starting 360G-, like 360G-abc")
        )
    if text.public_phone and not PHONE.match(text.public_phone):
        problems.append(("public_phone", "Enter a phone number, like 0113 496 0000"))
    if text.public_email and not EMAIL.match(text.public_email):
        problems.append(("public_email", "Enter an email address, like grants@example.org"))
    if text.brand_colour:
        if not COLOUR.match(text.brand_colour):
            problems.append(
                ("brand_colour", "Enter the colour as # and six letters or digits, like #1d70b8")
            )
        elif contrast_with_white(text.brand_colour) < 4.5:
            ratio = contrast_with_white(text.brand_colour)
            problems.append(
                (
                    "brand_colour",
                    f"White text on {text.brand_colour} is too hard to read (contrast "
                    f"{ratio:.1f} to 1, it needs 4.5 to 1): choose a darker colour",
                )
            )
    return problems


def save_identity(*, text: IdentityText, expected_version: int, actor: User) -> bool:
    """Staff save the fund's identity and contact details, audited field by field.
    Returns False when nothing changed."""
    if not actor.is_staff:
        raise FundError([("form", "Only staff can change the fund settings.")])
    clean = IdentityText(**{k: v.strip() for k, v in asdict(text).items()})
    clean = IdentityText(**{**asdict(clean), "brand_colour": clean.brand_colour.lower()})
    problems = _problems(clean)
    if problems:
        raise FundError(problems)
    fund = _current(expected_version)
    old, new = changes(asdict(saved_text()), asdict(clean))
    if not new:
        return False
    fund = _changing(fund, actor)
    for key, value in asdict(clean).items():
        setattr(fund, key, value)
    db.session.flush()
    record(actor=actor, action="fund.identity_changed", object_type="fund", before=old, after=new)
    return True


def save_logo(*, data: bytes | None, remove: bool, expected_version: int, actor: User) -> bool:
    """Staff upload a new logo (a PNG or JPEG up to 200 KB, checked by content) or remove it.
    Returns False when nothing changed."""
    if not actor.is_staff:
        raise FundError([("form", "Only staff can change the fund settings.")])
    if not remove and not data:
        return False
    checked = None
    if data and not remove:
        try:
            checked = check_image(data, max_bytes=LOGO_MAX_BYTES, what="The logo")
        except ValueError as exc:
            raise FundError([("logo", str(exc))]) from exc
    fund = _current(expected_version)
    if remove and (fund is None or not fund.logo_type):
        return False
    fund = _changing(fund, actor)
    fund.logo = data if checked else None
    fund.logo_type = checked.content_type if checked else ""
    after = (
        {"logo": f"{checked.content_type}, {checked.width}x{checked.height}, {checked.size} bytes"}
        if checked
        else {"logo": "removed"}
    )
    db.session.flush()
    record(actor=actor, action="fund.logo_changed", object_type="fund", after=after)
    return True


def logo() -> tuple[bytes, str] | None:
    """The logo's bytes and type, or None when there is none."""
    fund = the_fund()
    if fund is None or not fund.logo_type or fund.logo is None:
        return None
    return fund.logo, fund.logo_type
