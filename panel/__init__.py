"""Grant Panel: residents and staff of a housing association run a community grant fund together."""

import threading
from pathlib import Path
from typing import Any

import click
from flask import Flask, appcontext_pushed
from flask.cli import AppGroup, FlaskGroup

from panel.config import configure
from panel.logs import install_log_filter

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, CLI. No tables, seeding or network here.

    Made by the `flask` command, the app is finished on first use instead (`_finish_on_use`):
    listing the commands (`flask --help`) then needs only Flask and the commands' names, while
    any command that runs, and the first request served, get the whole app first.
    """
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    app.cli = _Commands()  # the same as Flask's, and it knows when it is only being listed
    configure(app, test_config)
    install_log_filter(app)

    from panel.cli import register_commands

    register_commands(app)
    if _made_by_the_flask_command():
        _finish_on_use(app)
    else:
        _finish(app)
    return app


def _finish(app: Flask) -> None:
    """Everything else: extensions, the database engine, the task queue, every blueprint."""
    from panel import web
    from panel.extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)

    from panel import queue
    from panel.messages import sending, triggers

    sending.mail.init_app(app)
    queue.configure(app)
    triggers.install()

    with app.app_context():
        from panel.database import tune_engine

        tune_engine(db.engine)

    from panel import (
        applications,
        auth,
        codesign,
        coproduction,
        fund,
        grants,
        ideas,
        messages,
        results,
        rounds,
        scoring,
        welcome,
    )
    from panel.urls import install_converters

    install_converters(app)  # every route's <int:...> and <slug> are bounded (panel/urls.py)

    for area in (
        auth,
        fund,
        ideas,
        welcome,
        rounds,
        codesign,
        applications,
        scoring,
        coproduction,
        results,
        grants,
        messages,
    ):
        app.register_blueprint(area.blueprint())

    web.init_app(app)

    hops = int(app.config.get("PANEL_PROXY_HOPS") or 0)
    if hops:
        # Trust X-Forwarded-* only from the configured number of proxies in front of us.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # the documented way to wrap it
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )


class _Commands(AppGroup):
    """`app.cli`: Flask's group of the app's commands, noting when it has been listed (by
    `flask --help`), so that looking at the app does not finish building it."""

    listed = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        self.listed = True
        return super().list_commands(ctx)


def _made_by_the_flask_command() -> bool:
    """Whether the `flask` command (or another FlaskGroup) is loading the app right now."""
    ctx = click.get_current_context(silent=True)
    return ctx is not None and isinstance(ctx.find_root().command, FlaskGroup)


def _finish_on_use(app: Flask) -> None:
    """Finish `app` the first time it is used: an app context pushed for a command that runs
    (every command of `app.cli` gets one from Flask, so do `flask routes` and `flask shell`),
    or the first request (`flask run`). Pushed only to list the commands, it stays as it is."""
    lock = threading.RLock()
    serve = app.wsgi_app
    started = False

    def finish() -> None:
        nonlocal started
        with lock:
            if started:
                return  # finished, or finishing in this thread (it pushes an app context too)
            started = True
            appcontext_pushed.disconnect(pushed, app)
            app.wsgi_app = serve  # type: ignore[method-assign]
            _finish(app)

    def pushed(sender: Flask, **_: Any) -> None:
        if not (isinstance(app.cli, _Commands) and app.cli.listed):
            finish()

    def first_request(environ: Any, start_response: Any) -> Any:
        finish()
        return app.wsgi_app(environ, start_response)  # the finished app's (behind any ProxyFix)

    app.wsgi_app = first_request  # type: ignore[method-assign]
    appcontext_pushed.connect(pushed, app, weak=False)
