"""A round's co-production settings: the hourly rate residents' time is valued at (and where the
figure comes from), and whether the round's totals may appear on public pages."""

from panel.audit import changes, record
from panel.coproduction.services.errors import CoproductionError
from panel.extensions import db
from panel.models import CoproductionSetting, FundingRound, User
from panel.models.types import utcnow

MAX_RATE_PENCE = 1_000_00  # £1,000 an hour: anything above is a typing slip
MAX_SOURCE = 500


def settings_of(round_: FundingRound) -> CoproductionSetting | None:
    """The round's settings, or None before staff save any."""
    return db.session.get(CoproductionSetting, round_.id)


def suggested_rate() -> tuple[int | None, str]:
    """The rate and source most recently saved for any round: a starting point for a new one."""
    latest = db.session.execute(
        db.select(CoproductionSetting)
        .where(CoproductionSetting.hourly_rate_pence.is_not(None))
        .order_by(CoproductionSetting.updated_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    return (latest.hourly_rate_pence, latest.rate_source) if latest else (None, "")


def save_settings(
    *,
    round_: FundingRound,
    rate_pence: int | None,
    rate_source: str,
    publish: bool,
    actor: User,
) -> bool:
    """Staff set the hourly rate (with its source) and choose whether to publish the totals.

    Returns False when nothing changed."""
    source = (rate_source or "").strip()
    if rate_pence is not None and rate_pence > MAX_RATE_PENCE:
        raise CoproductionError("Enter an hourly rate of £1,000 or less", field="rate")
    if rate_pence is not None and not source:
        raise CoproductionError(
            "Say where the rate comes from, for example “Real Living Wage 2025 to 2026”",
            field="rate_source",
        )
    if len(source) > MAX_SOURCE:
        raise CoproductionError(
            f"Keep the source under {MAX_SOURCE} characters", field="rate_source"
        )
    setting = settings_of(round_)
    if setting is None:
        setting = CoproductionSetting(round_id=round_.id)
        db.session.add(setting)
        before: dict[str, object] = {"rate_pence": None, "rate_source": "", "published": False}
    else:
        before = {
            "rate_pence": setting.hourly_rate_pence,
            "rate_source": setting.rate_source,
            "published": setting.totals_published,
        }
    old, new = changes(
        before, {"rate_pence": rate_pence, "rate_source": source, "published": publish}
    )
    if not new:
        return False
    setting.hourly_rate_pence = rate_pence
    setting.rate_source = source
    if publish != setting.totals_published:
        setting.published_at = utcnow() if publish else None
    setting.totals_published = publish
    setting.updated_by_id = actor.id
    setting.updated_at = utcnow()
    db.session.flush()
    record(
        actor=actor,
        action="coproduction.settings_changed",
        object_type="round",
        object_id=round_.id,
        round_id=round_.id,
        before=old,
        after=new,
    )
    return True
