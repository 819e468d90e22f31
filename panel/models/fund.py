"""The fund itself: one row of settings staff write (the welcome, the code of conduct), and the
standard time each kind of task takes.

The settings grow by section: the welcome, the code of conduct, and the fund's identity (the
funder's 360Giving identity, the fund's name, logo, brand colour and public contact details) all
live on the same row (panel/fund/ lists the sections on one "Fund settings" page).
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from panel.extensions import Model
from panel.models.types import UTCDateTime, utcnow

FUND_ROW_ID = 1


class Fund(Model):
    """The fund's settings: a single row (id 1), made the first time staff save a section."""

    __tablename__ = "fund"
    __table_args__ = (
        CheckConstraint(f"id = {FUND_ROW_ID}", name="single_row"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("conduct_version >= 0", name="conduct_version_not_negative"),
        CheckConstraint("logo_type IN ('', 'image/png', 'image/jpeg')", name="logo_type_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # The welcome a new panellist reads first: one box per part, in plain words.
    welcome_role: Mapped[str] = mapped_column(Text, default="")
    welcome_time: Mapped[str] = mapped_column(Text, default="")
    welcome_behaviour: Mapped[str] = mapped_column(Text, default="")
    welcome_confidential: Mapped[str] = mapped_column(Text, default="")
    welcome_expenses: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    # The code of conduct each panellist agrees to before scoring for the first time.
    # `conduct_version` counts its wordings (0: none written yet), so an agreement says which.
    code_of_conduct: Mapped[str] = mapped_column(Text, default="")
    conduct_version: Mapped[int] = mapped_column(default=0)
    # The fund's identity: who funds (360Giving's funding organisation and the prefix of its
    # grant ids), the fund's own name, and how the public reaches it. Empty means "not set":
    # instance/config.py's PANEL_FUNDER_* still override the 360Giving three.
    funder_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    funder_org_id: Mapped[str] = mapped_column(String(60), default="", server_default="")
    giving_prefix: Mapped[str] = mapped_column(String(60), default="", server_default="")
    fund_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    public_address: Mapped[str] = mapped_column(Text, default="", server_default="")
    public_phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    public_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    # One brand colour ("#1d70b8"), only ever one that white text can sit on (WCAG AA).
    brand_colour: Mapped[str] = mapped_column(String(7), default="", server_default="")
    # A small PNG or JPEG, checked by its content (panel/fund/identity.py), kept here.
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, default=None, deferred=True)
    logo_type: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # Bumped by every save of any section: a form carrying an older number is stale (409).
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )


class ActivityTime(Model):
    """About how long one kind of task takes, in whole minutes, as staff set it.

    `kind` is a key of `panel.fund.times.KINDS` ("score_application", ...). A kind with no row
    takes its default from there. The involvement record reuses these minutes per kind.
    """

    __tablename__ = "activity_time"
    __table_args__ = (CheckConstraint("minutes >= 1 AND minutes <= 1440", name="minutes_range"),)

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    minutes: Mapped[int] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
