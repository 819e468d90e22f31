"""Each answer is checked the same way for the public form, staff's edits and imports."""

from collections.abc import Callable

import pytest

from panel.applications import validation as v
from panel.models import FundingRound, OrganisationType
from tests.panel.applications.conftest import GOOD


@pytest.mark.parametrize(
    ("typed", "org_type", "stored"),
    [
        ("123456", OrganisationType.CHARITY, {"charity_number": "123456"}),
        ("1234567", OrganisationType.CHARITY, {"charity_number": "1234567"}),
        ("12345678", OrganisationType.CIO, {"charity_number": "12345678"}),
        ("sc012345", OrganisationType.CHARITY, {"charity_number": "SC012345"}),
        ("NIC100002", OrganisationType.CIO, {"charity_number": "NIC100002"}),
        (" 112 3456 ", OrganisationType.CHARITY, {"charity_number": "1123456"}),
        ("01234567", OrganisationType.CIC, {"company_number": "01234567"}),
        ("SC123456", OrganisationType.CLG, {"company_number": "SC123456"}),
        ("ni123456", OrganisationType.CIC, {"company_number": "NI123456"}),
        ("OC123456", OrganisationType.CLG, {"company_number": "OC123456"}),
        ("", OrganisationType.COMMUNITY_GROUP, {}),
        ("1123456", OrganisationType.OTHER, {"charity_number": "1123456"}),
        ("OC123456", OrganisationType.COMMUNITY_GROUP, {"company_number": "OC123456"}),
    ],
)
def test_good_charity_and_company_numbers_are_kept_for_the_right_type(
    typed: str, org_type: OrganisationType, stored: dict[str, str]
) -> None:
    expected = {"charity_number": None, "company_number": None, **stored}
    assert v.check_registration_number(typed, org_type) == expected


@pytest.mark.parametrize(
    ("typed", "org_type", "message"),
    [
        ("", OrganisationType.CHARITY, "Enter the charity number"),
        ("12345", OrganisationType.CHARITY, "6 to 8 digits"),
        ("123456789", OrganisationType.CIO, "6 to 8 digits"),
        ("SC12345", OrganisationType.CHARITY, "SC and 6 digits"),
        ("NIC", OrganisationType.CHARITY, "NIC and its digits"),
        ("AB123456", OrganisationType.CHARITY, "6 to 8 digits"),
        ("", OrganisationType.CIC, "Enter the company number"),
        ("1234567", OrganisationType.CIC, "8 characters"),
        ("SC1234567", OrganisationType.CLG, "8 characters"),
        ("ABCDEFGH", OrganisationType.CLG, "8 characters"),
        ("hello", OrganisationType.OTHER, "or leave it blank"),
    ],
)
def test_bad_or_missing_numbers_say_what_the_type_needs(
    typed: str, org_type: OrganisationType, message: str
) -> None:
    with pytest.raises(v.Problem, match=message):
        v.check_registration_number(typed, org_type)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        ("LS6 2AB", "LS6 2AB"),
        (" m1 1ae ", "M1 1AE"),
        ("B338TH", "B33 8TH"),
    ],
)
def test_good_postcodes_are_stored_in_capitals_with_one_space(typed: str, stored: str) -> None:
    assert v.check_postcode(typed) == stored


@pytest.mark.parametrize("typed", ["LS6", "12345", "SW1A 1A", "LS6 2ABC", "not a postcode"])
def test_bad_postcodes_are_refused(typed: str) -> None:
    with pytest.raises(v.Problem, match="Enter a full UK postcode, like LS1 4AP"):
        v.check_postcode(typed)


@pytest.mark.parametrize(
    "typed",
    ["01632 960 001", "07700900982", "+44 7700 900982", "0044 (0)1632 960001", "020-7946-0000"],
)
def test_good_uk_phone_numbers_are_accepted(typed: str) -> None:
    assert v.check_phone(typed) == typed


@pytest.mark.parametrize(
    "typed", ["12345", "+1 212 555 0100", "07700 90098", "call me", "0770090098212"]
)
def test_bad_phone_numbers_are_refused(typed: str) -> None:
    with pytest.raises(v.Problem, match="Enter a UK phone number"):
        v.check_phone(typed)


def test_a_blank_phone_number_is_fine_as_it_is_optional() -> None:
    assert v.check_phone("  ") is None


@pytest.mark.parametrize("typed", ["june@example.org", "J.Hart+fund@sub.example.co.uk"])
def test_good_email_addresses_are_accepted(typed: str) -> None:
    assert "@" in v.check_email(typed)


@pytest.mark.parametrize(
    "typed", ["june", "june@", "@example.org", "june@@example.org", "a b@c.org"]
)
def test_bad_email_addresses_are_refused(typed: str) -> None:
    with pytest.raises(v.Problem, match="like name@example.com"):
        v.check_email(typed)


def test_a_title_of_140_characters_is_fine_and_141_is_refused() -> None:
    assert len(v.check_project_title("x" * 140)) == 140
    with pytest.raises(v.Problem, match="Project title must be 140 characters or fewer"):
        v.check_project_title("x" * 141)


@pytest.mark.parametrize(
    ("typed", "pence"),
    [("£1,250", 125_000), ("1250.50", 125_050), ("250", 25_000), ("5000", 500_000)],
)
def test_amounts_in_pounds_within_the_award_range_become_pence(
    make_round: Callable[..., FundingRound], typed: str, pence: int
) -> None:
    assert v.check_amount(typed, make_round()) == pence


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("£12k", "'£12k' is not an amount in pounds"),
        ("249.99", "Enter an amount between £250 and £5,000"),
        ("5000.01", "Enter an amount between £250 and £5,000"),
        ("-300", "Enter an amount of £0 or more"),
        ("1250.555", "Enter an amount in pounds and pence"),
        ("", "Enter the amount you are asking for"),
    ],
)
def test_bad_amounts_name_the_problem_or_the_range(
    make_round: Callable[..., FundingRound], typed: str, message: str
) -> None:
    with pytest.raises(v.Problem, match=message):
        v.check_amount(typed, make_round())


@pytest.mark.parametrize(("typed", "number"), [("0", 0), ("35", 35), ("1,200", 1200)])
def test_beneficiaries_are_a_whole_number_of_zero_or_more(typed: str, number: int) -> None:
    assert v.check_beneficiaries(typed) == number


@pytest.mark.parametrize(
    ("typed", "message"),
    [("-1", "0 or more"), ("2.5", "is not a whole number"), ("lots", "is not a whole number")],
)
def test_bad_beneficiaries_are_refused(typed: str, message: str) -> None:
    with pytest.raises(v.Problem, match=message):
        v.check_beneficiaries(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("charity", OrganisationType.CHARITY),
        ("Registered charity", OrganisationType.CHARITY),
        ("CIO", OrganisationType.CIO),
        ("Community interest company (CIC)", OrganisationType.CIC),
        ("company limited by guarantee", OrganisationType.CLG),
        ("community_group", OrganisationType.COMMUNITY_GROUP),
    ],
)
def test_organisation_types_are_read_from_values_or_labels(
    typed: str, expected: OrganisationType
) -> None:
    assert v.check_organisation_type(typed) is expected


def test_an_unknown_organisation_type_lists_the_choices() -> None:
    with pytest.raises(v.Problem, match="is not an organisation type: use community group"):
        v.check_organisation_type("Partnership")


def test_clean_returns_every_value_for_good_answers(
    make_round: Callable[..., FundingRound],
) -> None:
    values, errors = v.clean(GOOD, round_=make_round())
    assert errors == {}
    assert values["amount_requested_pence"] == 125_050
    assert values["postcode"] == "LS6 2AB"
    assert values["beneficiaries"] == 35
    assert values["organisation_type"] == "community_group"
    assert values["charity_number"] is None and values["company_number"] is None


def test_clean_strips_control_characters_from_answers(
    make_round: Callable[..., FundingRound],
) -> None:
    values, _ = v.clean(dict(GOOD, organisation_name="Lunch\x00 Club\x07"), round_=make_round())
    assert values["organisation_name"] == "Lunch Club"
