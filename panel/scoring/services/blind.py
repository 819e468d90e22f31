"""Blind scoring: what a person may see of other panellists' reviews, and by what name.

Enforced here, not in templates: before a panellist's own review of an application is
submitted (with blind scoring on), they get nothing of the others' reviews of it.
"""

from sqlalchemy.orm import joinedload, selectinload

from panel.extensions import db
from panel.models import Application, FundingRound, Review, ReviewStatus, User
from panel.scoring.services.lookups import counted_reviews, find_review


class _LookUp:
    """The viewer's own review is not known to the caller: read it here."""


LOOK_UP = _LookUp()
OwnReview = Review | None | _LookUp


def may_see_others(
    *, round_: FundingRound, viewer: User, application: Application, own: OwnReview = LOOK_UP
) -> bool:
    """Staff always; anyone when blind scoring is off; else only after submitting their own.

    `own` is the viewer's own review of the application (None: they have none) when the caller
    has just read it, which saves reading it again; a review of anyone else or of another
    application is never taken for it (it is read here instead).
    """
    if viewer.is_staff or not round_.blind_scoring:
        return True
    if isinstance(own, _LookUp) or (
        own is not None and (own.panellist_id != viewer.id or own.application_id != application.id)
    ):
        own = find_review(application_id=application.id, panellist_id=viewer.id)
    return own is not None and own.status == ReviewStatus.SUBMITTED


def others_reviews(
    *, round_: FundingRound, application: Application, viewer: User, own: OwnReview = LOOK_UP
) -> list[Review]:
    """Other panellists' counted reviews of the application, if the viewer may see them.

    Before the viewer has submitted their own review (with blind scoring on), this returns an
    empty list. `own`: as for `may_see_others`.
    """
    if not may_see_others(round_=round_, viewer=viewer, application=application, own=own):
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
