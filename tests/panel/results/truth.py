"""Checks that a decision's words agree with the application's own figures (issue 14)."""

import re

import criteria
from panel.models import FundingRound
from panel.results import decisions
from panel.results.sentences import HIGH, MIDDLE
from panel.results.services import compute, fmt

RANKED = re.compile(r"ranked (\d+) of the (\d+)")
MEAN = re.compile(r"mean score of ([0-9.]+) out of (\d+)")


def check_text(text: str, res: criteria.ApplicationResult, round_: FundingRound) -> None:
    """Fail if `text` says anything about the application its figures contradict."""
    assert "scored this application well" not in text, text
    if not res.meets_quorum:
        assert not RANKED.search(text) and not MEAN.search(text), text
        assert f"{res.n} of the {round_.quorum} needed" in text, text
        return
    assert "not enough scores" not in text, text
    rank = RANKED.search(text)
    if rank:
        assert int(rank.group(1)) == res.rank, text
        assert int(rank.group(2)) >= res.rank, text
    mean = MEAN.search(text)
    assert mean, text
    assert mean.group(1) == fmt(res.mean) and int(mean.group(2)) == round_.scale_max, text
    assert res.mean is not None
    share = (res.mean - round_.scale_min) / (round_.scale_max - round_.scale_min)
    if "scored highly" in text:
        assert share >= HIGH, text
    if "upper half" in text:
        assert MIDDLE <= share < HIGH, text
    if "lower half" in text or "met the fund's aims more closely" in text:
        assert share < MIDDLE, text


def check_sentences_against_figures(round_: FundingRound) -> int:
    """Every starting sentence offered for every application agrees with its own rank, mean and
    quorum; returns how many sentences were checked."""
    results = compute(round_)
    checked = 0
    for ref, sentences in decisions.sentences_for(results).items():
        res = results.result.result_for(ref)
        assert sentences, ref
        for s in sentences:
            check_text(s, res, round_)
            checked += 1
    return checked
