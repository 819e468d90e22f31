"""The demo's part after the award: the fund's identity, and grants at each step."""

from typing import Any

from panel.demo_base import Demo
from panel.extensions import db
from panel.fund import identity
from panel.grants import funded, reports, services
from panel.grants.demo import add_demo
from panel.models import GrantReport
from tests.worlds import gen_awarded_round


def test_the_demo_shows_grants_at_each_step_and_publishes_what_we_funded(staff: Any) -> None:
    world = gen_awarded_round(staff)
    round_ = world["round"]
    add_demo(Demo([staff], [world["panellist"]], round_, round_))
    db.session.commit()
    found = identity.identity()
    assert found.fund_name == "Riverside Community Fund" and found.public_phone
    states = [a.state for a in services.awards(round_.id)]
    assert states == ["Report accepted", "Accepted"]
    assert funded.is_published(round_.id)
    assert db.session.execute(db.select(GrantReport.status)).scalars().all() == ["accepted"]
    assert [o.application.reference for o in reports.overdue_reports()] == [
        world["apps"]["B"].reference
    ]


def test_the_whole_demo_still_seeds(app: Any) -> None:
    from panel.demo import seed

    seed()
    db.session.commit()
    assert identity.identity().fund_name == "Riverside Community Fund"
