"""The lottery: only for a tie at the funding line, every draw kept and shown, redraws explained."""

import html
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import AuditEvent, LotteryDraw, User
from panel.results.exports.verify import recompute
from tests.conftest import AuthActions
from tests.factories import gen_staff
from tests.panel.results.export_reading import export_bytes, records, workbook
from tests.worlds import gen_meeting_round

# A first, then B, C and E tied; £2,000 funds A and one of the three: a tie across the line.
TIED = {"A": (5, 5), "B": (3, 3), "C": (3, 3), "E": (3, 3)}


def _tied_round(staff: User) -> dict[str, Any]:
    return gen_meeting_round(staff, TIED, budget_pence=2_000_00)


def _draws(round_id: int) -> list[LotteryDraw]:
    return list(
        db.session.execute(
            db.select(LotteryDraw).where(LotteryDraw.round_id == round_id).order_by(LotteryDraw.id)
        ).scalars()
    )


def _page(client: FlaskClient, url: str) -> str:
    return html.unescape(client.get(url).get_data(as_text=True))


def test_the_lottery_is_seeded_recorded_and_reproducible(client: FlaskClient, staff: User) -> None:
    """Item 42: the draw orders the tied applications by the seed (scoring method vector 6)."""
    world = _tied_round(staff)
    AuthActions(client).login(staff)
    url = f"/rounds/{world['round'].id}/lottery"
    assert "B, C, E" in _page(client, url)  # the applications in the draw, shown before it
    assert client.post(url, data={"seed": "HA-fund-2025-R1"}).status_code == 302
    draw = db.session.execute(db.select(LotteryDraw)).scalar_one()
    assert draw.seed == "HA-fund-2025-R1" and draw.order == ["B", "E", "C"]
    assert draw.references == ["B", "C", "E"] and draw.drawn_by_id == staff.id
    assert "B, E, C" in _page(client, url)
    short = client.post(url, data={"seed": "x", "reason": "Typed a short seed"})
    assert short.status_code == 400 and len(_draws(world["round"].id)) == 1


def test_a_draw_is_only_among_the_applications_tied_at_the_funding_line(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    """Item 42: applications sent by hand are not drawn: the draw is always the tie at the
    line; without a tie there is nothing to draw (400, nothing recorded)."""
    AuthActions(client).login(staff)
    untied = f"/rounds/{worked['round'].id}/lottery"
    refused = client.post(untied, data={"seed": "HA-fund-2026", "reference": ["B", "E", "C"]})
    assert refused.status_code == 400
    assert "There is no tie at the funding line" in html.unescape(refused.get_data(as_text=True))
    assert _draws(worked["round"].id) == []
    world = gen_meeting_round(
        staff, {"P": (5, 5), "Q": (3, 3), "R": (3, 3), "S": (3, 3)}, budget_pence=2_000_00
    )
    url = f"/rounds/{world['round'].id}/lottery"
    sent = client.post(url, data={"seed": "HA-fund-2026", "reference": ["P", "Q"]})
    assert sent.status_code == 302
    (draw,) = _draws(world["round"].id)
    assert draw.references == ["Q", "R", "S"]  # the tie, never P, never just two of them


def test_every_draw_is_kept_and_shown_with_who_ran_it_when_and_why(
    client: FlaskClient, staff: User
) -> None:
    """Item 42: a redraw needs a reason; every draw stays on the record and on the lottery
    and decisions pages with who ran it and when; the latest is the one in force."""
    world = _tied_round(staff)
    other = gen_staff(name="Ola Other", email="ola.other@example.org")
    round_id = world["round"].id
    url = f"/rounds/{round_id}/lottery"
    AuthActions(client).login(staff)
    assert client.post(url, data={"seed": "HA-fund-2025-R1"}).status_code == 302
    AuthActions(client).logout()
    AuthActions(client).login(other)
    no_reason = client.post(url, data={"seed": "Second seed", "reason": "  "})
    assert no_reason.status_code == 400
    assert "Say why" in html.unescape(no_reason.get_data(as_text=True))
    assert len(_draws(round_id)) == 1
    again = client.post(
        url, data={"seed": "Second seed", "reason": "The seed was not shown to everyone first"}
    )
    assert again.status_code == 302
    first, second = _draws(round_id)
    assert (first.seed, first.drawn_by_id, first.reason) == ("HA-fund-2025-R1", staff.id, "")
    assert (second.seed, second.drawn_by_id) == ("Second seed", other.id)
    assert second.reason == "The seed was not shown to everyone first"
    for page in (_page(client, url), _page(client, f"/rounds/{round_id}/decisions")):
        assert "HA-fund-2025-R1" in page and "Second seed" in page
        assert "Sam Staff" in page and "Ola Other" in page
        assert "The seed was not shown to everyone first" in page
        assert page.index("Second seed") < page.index("HA-fund-2025-R1")  # newest first
        assert "in force" in page
    events = (
        db.session.execute(db.select(AuditEvent.after).where(AuditEvent.action == "lottery.drawn"))
        .scalars()
        .all()
    )
    assert [e["redraw"] for e in events] == [False, True]
    assert events[1]["reason"] == "The seed was not shown to everyone first"


def test_the_suggestion_walks_the_tie_in_the_order_of_the_draw_in_force(
    client: FlaskClient, staff: User
) -> None:
    """Item 42: after a redraw, the suggestion follows the latest draw, not the first."""
    world = gen_meeting_round(staff, {"A": (5, 5), "B": (3, 3), "D": (3, 3)}, budget_pence=2_000_00)
    round_id = world["round"].id
    AuthActions(client).login(staff)
    url = f"/rounds/{round_id}/lottery"
    client.post(url, data={"seed": "HA-fund-2025-R2"})  # orders D before B
    client.post(url, data={"seed": "HA-fund-2025-R1", "reason": "Run again in the meeting"})
    first, second = _draws(round_id)
    assert first.order == ["D", "B"] and second.order == ["B", "D"]
    client.post(f"/rounds/{round_id}/decisions/suggest")
    suggested = db.session.execute(
        db.select(AuditEvent.after).where(AuditEvent.action == "decision.suggested")
    ).scalar_one()
    assert suggested["funded"] == ["A", "B"] and suggested["order"] == ["A", "B", "D"]


def test_the_export_shows_every_draw_and_still_verifies(
    app: Flask, client: FlaskClient, staff: User, tmp_path: Path
) -> None:
    """Item 42: the About sheet lists every draw with who ran it, when and why; the Decisions
    sheet takes seed and place from the draw in force; verify-export still recomputes it."""
    world = _tied_round(staff)
    round_id = world["round"].id
    url = f"/rounds/{round_id}/lottery"
    AuthActions(client).login(staff)
    client.post(url, data={"seed": "HA-fund-2025-R1"})
    client.post(url, data={"seed": "Second seed", "reason": "Redrawn with everyone watching"})
    client.post(f"/rounds/{round_id}/decisions/suggest")
    data = export_bytes(round_id, "xlsx")
    book = workbook(data)
    about = [(k, v) for k, v in book["About"].iter_rows(min_row=2, values_only=True)]
    draws = [(k, v) for k, v in about if str(k).startswith("Lottery draw")]
    assert [k for k, _ in draws] == ["Lottery draw 1", "Lottery draw 2 (in force)"]
    assert "HA-fund-2025-R1" in draws[0][1] and "Sam Staff" in draws[0][1]
    assert "Second seed" in draws[1][1] and "Redrawn with everyone watching" in draws[1][1]
    second = _draws(round_id)[1]
    decisions = {r["Reference"]: r for r in records(book["Decisions"])}
    for place, reference in enumerate(second.order, start=1):
        assert decisions[reference]["Lottery seed"] == "Second seed"
        assert decisions[reference]["Lottery place"] == place
    assert decisions["A"]["Lottery seed"] is None
    path = tmp_path / "export.xlsx"
    path.write_bytes(data)
    report = recompute(path)
    assert report.ok, report.mismatches
