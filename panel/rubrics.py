"""The rubric in force for a round: one read that every area (codesign, applications, scoring,
results) may import. It needs only the models, so no area depends on another's services for it."""

from sqlalchemy.orm import joinedload

from panel.extensions import db
from panel.models import FundingRound, Rubric


def current_rubric(round_: FundingRound, *, with_criteria: bool = False) -> Rubric | None:
    """The round's adopted rubric in force: the highest version, or None before adoption.

    `with_criteria`: its criteria come in the same query (a page that shows them all, such as
    the scoring page, then reads once instead of twice).
    """
    query = db.select(Rubric).where(Rubric.round_id == round_.id).order_by(Rubric.version.desc())
    if with_criteria:
        query = query.options(joinedload(Rubric.criteria)).limit(1)
        return db.session.execute(query).unique().scalars().first()
    return db.session.execute(query).scalars().first()
