"""The printable meeting pack (issue #15 §3): staff print it from the browser for the meeting."""

from typing import Any

from flask import render_template

import criteria
from panel.access import policy, round_or_404
from panel.results import bp, pack, words
from panel.results.views import _results_or_page


@bp.route("/rounds/<int:round_id>/meeting/pack")
@policy("staff")
def meeting_pack(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    found = _results_or_page(round_)
    if isinstance(found, str):
        return found
    allocation = criteria.allocate(found.result, budget=round_.budget_pence)
    return render_template(
        "results/pack.html",
        pack=pack.build(found, allocation, words.round_sentence(found)),
        allocation=allocation,
    )
