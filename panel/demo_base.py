"""What every area's demo step is given: the demo's people and its two rounds.

It imports no area, so the areas' `demo.py` modules can use it while `panel.demo` imports their
steps one way only.
"""

from collections.abc import Callable

from panel.models import FundingRound, User


class Demo:
    """The demo's staff, residents and rounds, made by panel.demo.seed for the areas' steps."""

    def __init__(
        self, staff: list[User], residents: list[User], spring: FundingRound, autumn: FundingRound
    ) -> None:
        self.staff = staff
        self.residents = residents
        self.spring = spring
        self.autumn = autumn


# Each area adds its part of the demo, in the order a real round goes through them.
DemoStep = Callable[[Demo], None]
