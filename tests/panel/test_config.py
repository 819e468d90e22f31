"""Configuration: a secret key is made once and kept private; the database URL is chosen by env."""

import os
import stat
from pathlib import Path

from panel.config import _instance_secret_key


def test_a_secret_key_is_generated_once_with_owner_only_permissions(tmp_path: Path) -> None:
    first = _instance_secret_key(tmp_path)
    second = _instance_secret_key(tmp_path)
    assert first == second and len(first) >= 64
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600


def test_environment_variables_choose_the_database_and_key(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from panel import create_app

    monkeypatch.setenv("PANEL_DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    monkeypatch.setenv("PANEL_SECRET_KEY", "from-the-environment")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/x.sqlite3"
    assert app.config["SECRET_KEY"] == "from-the-environment"
    with app.app_context():
        from panel.extensions import db

        db.engine.dispose()
