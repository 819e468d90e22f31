"""The load runner itself: a short real run under gunicorn, and a data check that can fail."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import Application, Conflict, RoundMember, RubricCriterion, User
from panel.results.cli import seed_synthetic_command
from tests.conftest import POSTGRES_URL

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "benchmarks" / "load" / "run.py"


def load_runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("load_run", RUNNER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["load_run"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_a_short_load_run_loses_no_saves_and_reports_percentiles() -> None:
    # Ten seconds with short pauses: on a busy two-core machine gunicorn's start and the first
    # sign-ins (Argon2 at full cost) can use up a shorter run before anyone saves.
    args = [
        sys.executable, str(RUNNER), "--users", "3", "--duration", "10",
        "--pause-min", "0", "--pause-max", "0.2",
    ]  # fmt: skip
    if POSTGRES_URL:
        args += ["--database-url", POSTGRES_URL]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PANEL_")}
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert "== 3 panellists, 10 s," in out
    assert "failed requests: 0\n" in out
    assert "  lost saves: 0\n" in out
    saves = next(line for line in out.splitlines() if line.startswith("data check:"))
    assert not saves.startswith("data check: 0 acknowledged saves")
    assert any(line.startswith("score save (draft + submit)") for line in out.splitlines())
    assert "p95 ms" in out
    assert "p95 of a score save under 300 ms:" in out
    expected = "n/a (PostgreSQL)" if POSTGRES_URL else "ok"
    assert f"  integrity_check: {expected}\n" in out


def test_the_data_check_finds_a_missing_or_overwritten_save(
    app: Flask, client: FlaskClient
) -> None:
    run = load_runner()
    result = app.test_cli_runner().invoke(
        seed_synthetic_command,
        [
            "--applications", "3", "--panellists", "2", "--criteria", "2", "--seed", "2",
            "--stage", "scoring", "--submitted-fraction", "0", "--password", run.PASSWORD,
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    round_id = int(result.output.strip())
    user_id, email = db.session.execute(
        sa.select(User.id, User.email)
        .join(RoundMember, RoundMember.user_id == User.id)
        .where(RoundMember.round_id == round_id)
        .order_by(User.id)
    ).first()
    conflicted = sa.select(Conflict.application_id).where(Conflict.panellist_id == user_id)
    application_id = (
        db.session.execute(
            sa.select(Application.id).where(
                Application.round_id == round_id, Application.id.not_in(conflicted)
            )
        )
        .scalars()
        .first()
    )
    c1, c2 = (
        db.session.execute(
            sa.select(RubricCriterion.id)
            .where(RubricCriterion.rubric.has(round_id=round_id), RubricCriterion.kind == "scored")
            .order_by(RubricCriterion.position)
        )
        .scalars()
        .all()
    )
    assert client.post("/login", data={"email": email, "password": run.PASSWORD}).status_code == 302
    url = f"/rounds/{round_id}/scoring/{application_id}"
    form = {"version": "0", "action": "draft", f"score_{c1}": "4", "overall_comment": "Fine"}
    assert client.post(url, data=form).status_code == 302
    db.session.commit()

    saved = run.Ack(user_id, application_id, "draft", 0, {c1: 4, c2: None}, "Fine")
    stats = run.Stats(acks=[saved])
    check = run.check_data(db.engine, round_id, stats)
    assert (check.acks, check.reviews, check.missing_audit, check.lost) == (1, 1, 0, 0)
    if db.engine.dialect.name == "sqlite":
        assert check.integrity == "ok"

    # A later acknowledged save that never reached the database is caught twice over:
    # no audit row for version 2, and the review is not what was last acknowledged.
    lost = run.Ack(user_id, application_id, "submit", 1, {c1: 4, c2: 2}, "")
    check = run.check_data(db.engine, round_id, run.Stats(acks=[saved, lost]))
    assert (check.missing_audit, check.mismatched_reviews, check.lost) == (1, 1, 2)

    # Different scores from those acknowledged are a lost save too.
    changed = run.Ack(user_id, application_id, "draft", 0, {c1: 3, c2: None}, "Fine")
    check = run.check_data(db.engine, round_id, run.Stats(acks=[changed]))
    assert (check.missing_audit, check.mismatched_reviews) == (0, 1)
