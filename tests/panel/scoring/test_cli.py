"""`flask --app panel scoring-progress ROUND`: the coverage page as text, for staff."""

from flask.testing import FlaskClient

from tests.panel.scoring.conftest import ScoringWorld, score_data, sign_in_as


def test_scoring_progress_lists_applications_against_the_quorum_and_each_panellist(
    client: FlaskClient,
    world: ScoringWorld,
    runner,  # type: ignore[no-untyped-def]
) -> None:
    pat = world.panellists[0]
    sign_in_as(client, pat)
    url = f"/rounds/{world.round.id}/scoring/{world.applications[0].id}"
    client.post(url, data=score_data(world, [3, 3, 3]))
    client.post(
        f"/rounds/{world.round.id}/scoring/{world.applications[1].id}/conflict",
        data={"kind": "member"},
    )
    result = runner.invoke(args=["scoring-progress", world.round.slug])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    refs = [a.reference for a in world.applications]
    assert f"  {refs[0]}  1 of 3  (needs 2 more)" in lines
    assert f"  {refs[1]}  0 of 3  (needs 3 more)" in lines
    assert "  Pat Panellist: 1 of 2 submitted, 0 drafts, 1 conflicts" in lines
    assert "  Olu Other: 0 of 3 submitted, 0 drafts, 0 conflicts" in lines
    by_id = runner.invoke(args=["scoring-progress", str(world.round.id)])
    assert by_id.output == result.output


def test_scoring_progress_refuses_an_unknown_round(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["scoring-progress", "no-such-round"])
    assert result.exit_code == 1
    assert "There is no round called 'no-such-round'" in result.output
