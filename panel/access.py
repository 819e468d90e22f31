"""Who may use each route. Every view declares a policy; a request to a view without one is refused.

Policies:
- ``public``: anyone, signed in or not.
- ``anonymous``: pages for signing in; anyone may load them.
- ``signed_in``: any active account.
- ``staff``: staff accounts only (others get 404, so they learn nothing about what exists).
- ``member``: staff, or a resident on the round's panel. The view loads the round with
  :func:`round_for_member`, which 404s for everyone else.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from panel.extensions import db
from panel.panels import membership as membership  # the one query; views may import it here

if TYPE_CHECKING:
    from panel.models import FundingRound

POLICIES = ("public", "anonymous", "signed_in", "staff", "member")
F = TypeVar("F", bound=Callable[..., Any])


class _InARound(Protocol):
    @property
    def round_id(self) -> int: ...


InARound = TypeVar("InARound", bound=_InARound)


def policy(name: str) -> Callable[[F], F]:
    """Declare who may use the decorated view; enforced for every request by `enforce_policy`."""
    if name not in POLICIES:
        raise ValueError(f"unknown access policy {name!r}")

    def decorate(view: F) -> F:
        view.access_policy = name  # type: ignore[attr-defined]  # read back by policy_of
        return view

    return decorate


def policy_of(view: Callable[..., Any]) -> str | None:
    """The policy declared on a view function, or None when it declares none."""
    return getattr(view, "access_policy", None)


def enforce_policy() -> Response | None:
    """Before each request: refuse views without a policy, send anonymous users to sign in."""
    if request.endpoint is None:
        return None  # 404 or 405: Flask answers it.
    if request.endpoint == "static":
        return None
    view = current_app.view_functions[request.endpoint]
    name = policy_of(view)
    if name is None:
        current_app.logger.error("route %s declares no access policy", request.endpoint)
        abort(403)
    if name in ("public", "anonymous"):
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if name == "staff" and not current_user.is_staff:
        current_app.logger.warning(
            "refused: user %s to staff-only %s", current_user.id, request.endpoint
        )
        abort(404)
    return None


def round_for_member(round_id: int) -> "FundingRound":
    """Load a round the user may see (staff: any; residents: their current panels), or 404."""
    from panel.models import FundingRound

    round_ = db.session.get(FundingRound, round_id)
    if round_ is None:
        abort(404)
    if not current_user.is_staff and membership(round_, current_user) is None:
        current_app.logger.warning("refused: user %s to round %s", current_user.id, round_id)
        abort(404)
    return round_


def round_or_404(round_id: int) -> "FundingRound":
    """Load a round by id for a staff view (the policy has already checked the role), or 404."""
    from panel.models import FundingRound

    round_ = db.session.get(FundingRound, round_id)
    if round_ is None:
        abort(404)
    return round_


def in_round_or_404(model: type[InARound], object_id: int, round_: "FundingRound") -> InARound:
    """Load an object that must belong to `round_` (by its round_id), or 404: never another's."""
    found = db.session.get(model, object_id)
    if found is None or found.round_id != round_.id:
        abort(404)
    return found
