"""The 360Giving Data Standard's schema (1.4.3, package data in panel/data/threesixtygiving).

Every 360Giving JSON package is checked against it before it is offered or written, and
verify-export checks a published file against it. The package schema names the grant schema by
its web address; a registry maps that address to the local copy, so nothing is ever fetched.
The two formats the schema uses, date-time and uri, are checked here (jsonschema checks them
only when optional packages are installed), so a check gives the same answer everywhere.
"""

import json
import re
from collections.abc import Iterable
from datetime import datetime
from functools import cache
from importlib.resources import files
from typing import Any, cast
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from panel.results.exports.options import ExportError

SCHEMA_VERSION = "1.4.3"
PACKAGE_SCHEMA = "360-giving-package-schema.json"
GRANT_SCHEMA = "360-giving-schema.json"
SHOWN = 5  # problems named in a refusal; the rest are counted

# RFC 3339 date-time (the JSON Schema "date-time" format): a date, "T", a time and an offset.
DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)

FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    """RFC 3339: the pattern, and a real date and time (no 31 April, no 25 o'clock)."""
    if not isinstance(value, str):
        return True  # the format applies to strings only; "type" says the rest
    if not DATE_TIME.fullmatch(value):
        return False
    datetime.fromisoformat(value.upper().replace("Z", "+00:00"))  # ValueError if not real
    return True


@FORMATS.checks("uri")
def _uri(value: object) -> bool:
    """An absolute address: a scheme and something after it, no spaces or control characters."""
    if not isinstance(value, str):
        return True
    if re.search(r"[\s\x00-\x1f\x7f]", value):
        return False
    parts = urlsplit(value)
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme)) and bool(
        parts.netloc or parts.path
    )


def _load(name: str) -> dict[str, Any]:
    text = files("panel").joinpath("data", "threesixtygiving", name).read_text(encoding="utf-8")
    found: dict[str, Any] = json.loads(text)
    return found


@cache
def package_validator() -> Draft202012Validator:
    """The package schema's validator, made once; its registry holds only the local files."""
    package, grant = _load(PACKAGE_SCHEMA), _load(GRANT_SCHEMA)
    resource = DRAFT202012.create_resource(grant)
    # The package schema refers to the grant schema by its 1.4.2 address; its own $id is 1.4.3.
    registry: Registry[Any] = Registry().with_resources(
        [(package["properties"]["grants"]["items"]["$ref"], resource), (grant["$id"], resource)]
    )
    Draft202012Validator.check_schema(package)
    return Draft202012Validator(package, registry=registry, format_checker=FORMATS)


def _where(error: ValidationError, package: Any) -> str:
    """Where an error is, in words: the grant by its id, then the field's path."""
    path = list(error.absolute_path)
    if len(path) >= 2 and path[0] == "grants" and isinstance(path[1], int):
        grants = package.get("grants") if isinstance(package, dict) else None
        grant = grants[path[1]] if isinstance(grants, list) and path[1] < len(grants) else None
        name = grant.get("id") if isinstance(grant, dict) else None
        label = f"grant {name}" if isinstance(name, str) else f"grant {path[1] + 1}"
        rest = ".".join(str(p) for p in path[2:])
        return f"{label}, {rest}" if rest else label
    return ".".join(str(p) for p in path) or "the package"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(error: ValidationError) -> str:
    """An error in plain words, never the whole grant: for a choice of shapes (oneOf, anyOf),
    what the nearest shape lacks."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        branches: dict[Any, list[ValidationError]] = {}
        for inner in error.context:
            branches.setdefault(inner.schema_path[0], []).append(inner)
        nearest = min(branches.values(), key=len)
        return "; ".join(_message(inner) for inner in nearest)
    if error.validator == "required":
        return error.message
    if error.validator == "format":
        return f"{_short(error.instance)} is not a valid {error.validator_value}"
    if error.validator == "enum":
        allowed = list(cast(Iterable[Any], error.validator_value))  # enum: the values allowed
        if len(allowed) <= 5:
            return f"{_short(error.instance)} is not one of {', '.join(map(repr, allowed))}"
        return f"{_short(error.instance)} is not one of the {len(allowed)} values allowed"
    if error.validator == "type":
        return f"{_short(error.instance)} is not of type {error.validator_value!r}"
    message = error.message
    return message if len(message) <= 200 else message[:197] + "..."


def schema_problems(package: Any) -> list[str]:
    """Each way the package breaks the 360Giving schema, in plain words (empty: it is valid)."""
    errors: Iterable[ValidationError] = package_validator().iter_errors(package)
    ordered = sorted(errors, key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{_where(e, package)}: {_message(e)}" for e in ordered]


def check_package(package: Any) -> None:
    """Refuse a package that does not follow the schema, saying where and why (ExportError)."""
    problems = schema_problems(package)
    if not problems:
        return
    more = len(problems) - SHOWN
    listed = "; ".join(problems[:SHOWN]) + (f"; and {more} more" if more > 0 else "")
    raise ExportError(
        f"The 360Giving file was not made: it does not follow the 360Giving Data Standard "
        f"(schema {SCHEMA_VERSION}). {listed}. Check the funder settings (PANEL_FUNDER_NAME, "
        "PANEL_FUNDER_ORG_ID, PANEL_360G_PREFIX, PANEL_BASE_URL) and the awarded applications' "
        "details."
    )
