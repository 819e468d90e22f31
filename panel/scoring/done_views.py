"""The end of a panellist's queue: "You have scored everything", or what is still to score."""

from typing import Any

from flask import render_template
from flask_login import current_user

from panel.access import policy, round_for_member
from panel.scoring import bp
from panel.scoring.services import progress, rules
from panel.scoring.views import coverage


@bp.route("/rounds/<int:round_id>/scoring/done")
@policy("member")
def all_scored(round_id: int) -> Any:
    round_ = round_for_member(round_id)
    if current_user.is_staff:
        return coverage(round_id)  # staff do not score: who has scored what, as on My scoring
    return render_template(
        "scoring/done.html",
        round=round_,
        queue=progress.my_queue(round_=round_, panellist=current_user),
        open_to_change=not rules.may_change_scores(round_, by_staff=False),
        deadline_words=rules.deadline_in_words(round_.scoring_deadline),
    )
