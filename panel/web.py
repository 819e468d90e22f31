"""App-wide web behaviour: access enforcement, sign-in, headers, errors, template helpers."""

from typing import TYPE_CHECKING, Any, cast

from flask import Flask, current_app, g, has_request_context, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from panel.access import enforce_policy
from panel.errors import http_error, render_error, unexpected_error
from panel.extensions import db, login_manager
from panel.models.types import uk_date, uk_datetime
from panel.money import format_pence
from panel.rounds.stages import STAGE_COLOURS

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


def init_app(app: Flask) -> None:
    """Wire the request hooks, error pages and template filters into `app`."""
    app.before_request(enforce_policy)
    app.after_request(security_headers)
    app.register_error_handler(CSRFError, csrf_failed)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected_error)
    app.jinja_env.filters["money"] = format_pence
    app.jinja_env.filters["uk_date"] = uk_date
    app.jinja_env.filters["uk_datetime"] = uk_datetime
    app.jinja_env.filters["action_label"] = action_label
    app.jinja_env.globals["stage_labels"] = _stage_labels()
    app.jinja_env.globals["stage_colours"] = {s.value: c for s, c in STAGE_COLOURS.items()}
    app.jinja_env.autoescape = True
    from panel import faults  # a busy or unreachable database, a full disk: see panel/faults

    faults.init_app(app)


@login_manager.user_loader
def load_user(user_id: str) -> Any:
    """Load the signed-in user; refuse cookies of an older session version or a closed account."""
    from panel.models import User

    ident, _, version = user_id.partition(".")
    if not ident.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(ident))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


login_manager.login_view = "auth.login"
login_manager.login_message = "Sign in to see that page."
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


def security_headers(response: Response) -> Response:
    """Add the security headers to every response; exports add their own download headers."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if current_app.config.get("PANEL_ENV") == "production":
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=63072000; includeSubDomains"
        )
    # The mimetype first: a stylesheet never loads the user (it must come even when the
    # database is down, for the page that says so).
    if response.mimetype == "text/html" and current_user.is_authenticated:
        # Pages with people's data are not kept by shared caches or the back button after sign-out.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


class RefusedWrite(Exception):
    """A view run again after a CSRF failure tried to commit: the request is refused instead."""


@event.listens_for(Session, "before_commit")
def _no_commit_after_csrf_failure(session: Session) -> None:
    """A request that failed its CSRF check never writes, whatever its view does first."""
    if has_request_context() and g.get("csrf_failed"):
        raise RefusedWrite


def csrf_failed(error: CSRFError) -> Any:
    """Re-show the form the person sent, with what they typed, instead of a bare error page.

    The view runs again; its form fails its own CSRF check, so it renders the form with the
    error summary ("This page had expired ..."). A commit during that run (a view that writes
    before it reads its form) is refused, so the request changes nothing.
    """
    refused = enforce_policy()  # CSRF is checked before access: never run a view it would refuse.
    if refused is not None:
        return refused
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None and request.method == "POST":
        db.session.rollback()
        g.csrf_failed = True
        try:
            result = view(**(request.view_args or {}))
        except HTTPException as exc:  # e.g. the object does not exist: answer as usual
            return http_error(exc)
        except RefusedWrite:
            db.session.rollback()
            return render_error(400), 400
        # The app's views are all synchronous: none returns an awaitable.
        response = current_app.make_response(cast("ResponseReturnValue", result))
        if response.status_code < 400:
            # The view did not re-render a form; never let it pass as a success.
            return render_error(400), 400
        return response
    return render_error(400), 400


def _stage_labels() -> dict[str, str]:
    from panel.models.funding_round import STAGE_LABELS

    return {stage.value: label for stage, label in STAGE_LABELS.items()}


def action_label(action: str) -> str:
    """An audit action code in words: "round.stage_changed" -> "Round: stage changed"."""
    area, _, what = action.partition(".")
    area_words = area.replace("_", " ").capitalize()
    return f"{area_words}: {what.replace('_', ' ')}" if what else area_words
