"""Grant Panel: residents and staff of a housing association run a community grant fund together."""

from pathlib import Path
from typing import Any

from flask import Flask

from panel.config import configure
from panel.logs import install_log_filter


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, CLI. No tables, seeding or network here."""
    root = Path(__file__).resolve().parent.parent
    app = Flask(
        __name__,
        instance_path=str(root / "instance"),
        instance_relative_config=True,
        template_folder=str(root / "templates"),
    )
    configure(app, test_config)
    install_log_filter(app)

    from panel import web
    from panel.extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(root / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)

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
    ):
        app.register_blueprint(area.bp)

    web.init_app(app)

    hops = int(app.config.get("PANEL_PROXY_HOPS") or 0)
    if hops:
        # Trust X-Forwarded-* only from the configured number of proxies in front of us.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # the documented way to wrap it
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )

    from panel.cli import register_commands

    register_commands(app)
    return app
