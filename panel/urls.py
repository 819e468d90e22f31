"""The URL converters every route uses: ids the databases can hold, text without control characters.

They replace Werkzeug's own `int` and `string` (the default) converters on the app's URL map, so
every route, including future ones, gets them without naming them: `<int:round_id>` matches only
an id of at most 9 digits (so it fits every database's id column), and a path segment with a NUL
or another control character matches nothing. Either way the answer is an ordinary 404, decided
before any view or query runs. Before, an id of 2^63 or more reached the database (an error on
SQLite and PostgreSQL: a 500), and so did a NUL in a slug (which PostgreSQL refuses in any text).

Each rule also writes its URL-building code when a URL is first built from it, not when it is
added (`LazyRule`): adding the app's 170-odd rules then takes about 0.01 s instead of 0.06-0.08 s,
which every process (each CLI command, each worker) paid at start-up.
"""

from collections.abc import Callable
from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Rule, UnicodeConverter

# At most 9 digits: below the 2^31 - 1 that PostgreSQL's INTEGER ids hold (a larger number is an
# error there, as 2^63 is on SQLite), and far above any real id. The bound is in the pattern
# itself, so a longer number matches no route at all: a 404 for every method (a value check
# after matching would answer a POST to a path that also has a GET route with 405).
MAX_ID = 10**9 - 1


class IdConverter(IntegerConverter):
    """A positive whole number of at most 9 digits: one every database can compare with an id."""

    regex = r"\d{1,9}"

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class TextConverter(UnicodeConverter):
    """One path segment, like Werkzeug's default, but never a control character (NUL included)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", r"[^/\x00-\x1f\x7f]", 1)


class LazyRule(Rule):
    """Werkzeug's rule, matching as it does; the code that builds its URLs is made on first use.

    Werkzeug generates and compiles a Python function per rule (two, with and without extra
    arguments) in `Rule.compile`; here each is a stand-in that makes the real one when first
    called. Should Werkzeug stop calling `_compile_builder`, rules are simply built eagerly again.
    """

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        made: list[Callable[..., tuple[str, str]]] = []

        def build(rule: Rule, /, **values: Any) -> tuple[str, str]:
            if not made:
                made.append(Rule._compile_builder(rule, append_unknown))
            return made[0](rule, **values)

        return build


def install_converters(app: Flask) -> None:
    """Use the bounded converters (and lazily built rules) for every route; call before any
    blueprint is registered."""
    app.url_rule_class = LazyRule
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["default"] = TextConverter
    app.url_map.converters["string"] = TextConverter
