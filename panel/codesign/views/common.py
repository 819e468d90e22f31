"""What the codesign views share: loading a criterion, showing a service's problems on a form,
the refusal page and the links back."""

from typing import Any

from flask import abort, render_template, url_for
from wtforms import Field

from criteria.weights import points
from panel.codesign import bp, services
from panel.models import Criterion, FundingRound


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"points": points}


@bp.app_context_processor
def _round_page_helpers() -> dict[str, Any]:
    """For codesign/_round_links.html, which the round page (another area's) includes."""
    return {"codesign_open": codesign_open}


def codesign_open(round_: FundingRound) -> bool:
    """True while the criteria are under discussion: the rule is `services.discussion_closed`."""
    return services.discussion_closed(round_) is None


def criterion_or_404(round_: FundingRound, criterion_id: int) -> Criterion:
    criterion = services.criterion_in(round_, criterion_id)
    if criterion is None:
        abort(404)
    return criterion


def add_error(form: Any, name: str, message: str) -> None:
    """Put a service's message by its field (or at the top of the form)."""
    target: Field | None = form._fields.get(name) if name else None
    if target is None:
        form.form_errors.append(message)
        return
    target.errors = [*target.errors, message]


def show_problems(form: Any, exc: services.Invalid, prefix: str = "") -> None:
    for name, message in exc.problems:
        add_error(form, f"{prefix}{name}" if name != "form" else "", message)


def refused(round_: FundingRound, title: str, message: str, back: str, status: int = 403) -> Any:
    return render_template(
        "codesign/refused.html", round=round_, title=title, message=message, back=back
    ), status


def board_url(round_: FundingRound) -> str:
    return url_for("codesign.board", round_id=round_.id)


def criterion_url(criterion: Criterion) -> str:
    return url_for("codesign.criterion", round_id=criterion.round_id, criterion_id=criterion.id)
