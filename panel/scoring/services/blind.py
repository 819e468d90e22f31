"""Blind scoring: what a person may see of other panellists' reviews, and by what name.

Enforced here, not in templates: before a panellist's own review of an application is
submitted (with blind scoring on), they get nothing of the others' reviews of it.
"""

from sqlalchemy.orm import joinedload, selectinload

from panel.extensions import db
from panel.models import Application, FundingRound, Review, ReviewStatus, User
from panel.scoring.services.lookups import counted_reviews, find_review


def may_see_others(*, round_: FundingRound, viewer: User, application: Application) -> bool:
    """Staff always; anyone when blind scoring is off; else only after submitting their own."""
    if viewer.is_staff or not round_.blind_scoring:
        return True
    own = find_review(application_id=application.id, panellist_id=viewer.id)
    return own is not None and own.status == ReviewStatus.SUBMITTED


def others_reviews(*, round_: FundingRound, application: Application, viewer: User) -> list[Review]:
    """Other panellists' counted reviews of the application, if the viewer may see them.

    Before the viewer has submitted their own review (with blind scoring on), this returns an
    empty list.
    """
    if not may_see_others(round_=round_, viewer=viewer, application=application):
        return []
    query = (
        counted_reviews(round_)
        .where(Review.application_id == application.id, Review.panellist_id != viewer.id)
        .order_by(Review.submitted_at, Review.id)
        # The page shows each one's panellist and scores: load them with the reviews, in two
        # queries whatever the size of the panel (not two more per review).
        .options(joinedload(Review.panellist), selectinload(Review.scores))
    )
    return list(db.session.execute(query).scalars())


def shown_name(panellist: User, *, viewer: User) -> str:
    """Staff see a panellist's full name; fellow panellists see only the first name."""
    if viewer.is_staff:
        return panellist.display_name
    return panellist.display_name.split()[0] if panellist.display_name.strip() else "A panellist"
