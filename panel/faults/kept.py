"""What a person typed, as rows a page can show read-only (so it can be copied or handed to
staff) and send again: from a WTForms form, or, when the database cannot be read to build the
form, from the request itself.
"""

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import request
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.fields.core import UnboundField

# Fields that carry no typing of the person's: sent back as they came, never shown.
TECHNICAL = frozenset({"csrf_token", "version", "action", "submission_key", "expected", "website"})
NOT_SHOWN_TYPES = frozenset(
    {"CSRFTokenField", "HiddenField", "PasswordField", "SubmitField", "FileField"}
)
# Fields made per criterion or level ("score_12"): what to call the n-th of each kind.
NUMBERED = re.compile(r"^([a-z]+)_(\d+)$")
NUMBERED_LABELS = {
    "score": "Score for question {n}",
    "comment": "Comment on question {n}",
    "level": "What a {suffix} looks like",
}
LONG = 60  # characters: longer answers, or several lines, are shown in a text box


@dataclass(frozen=True)
class KeptRow:
    """One answer: the field's name (to send it again), its label and exactly what was sent."""

    name: str
    label: str
    value: str

    @property
    def long(self) -> bool:
        return len(self.value) > LONG or "\n" in self.value


def rows_from_form(form: Any) -> list[KeptRow]:
    """The answers typed into `form` (as sent, in the order the page sent them), labelled as the
    form labels them; choices are shown by their label. Hidden and password fields, and empty
    answers, are left out."""
    order = {name: n for n, name in enumerate(request.form)} if request else {}
    rows = []
    for f in sorted(form, key=lambda f: order.get(f.name, len(order))):
        if f.type in NOT_SHOWN_TYPES or f.short_name in TECHNICAL:
            continue
        sent = [str(v) for v in (f.raw_data or []) if str(v).strip()]
        if not sent:
            continue
        if hasattr(f, "iter_choices") and f.type != "BooleanField":
            labels = {str(c[0]): str(c[1]) for c in f.iter_choices()}
            sent = [labels.get(v, v) for v in sent]
        elif f.type == "BooleanField":
            sent = ["Yes"]
        rows.append(KeptRow(f.name, str(f.label.text), "\n".join(sent)))
    return rows


def rows_from_request() -> tuple[list[KeptRow], list[tuple[str, str]]]:
    """The request's answers as rows to show, and the rest as (name, value) to send back unseen.

    Used when the form cannot be built (the database is unreachable): labels come from the
    app's form classes, by field name. Passwords are dropped altogether.
    """
    secret = secret_names()
    shown: list[KeptRow] = []
    unseen: list[tuple[str, str]] = []
    # "score_12" and "comment_12" are about the same question: number them in page order.
    numbers: dict[str, int] = {}
    for name in request.form:
        numbered = NUMBERED.match(name)
        if numbered:
            numbers.setdefault(numbered.group(2), len(numbers) + 1)
    for name, value in request.form.items(multi=True):
        if name in secret or "password" in name:
            continue
        if name in TECHNICAL or not value.strip():
            unseen.append((name, value))
            continue
        shown.append(KeptRow(name, label_for(name, numbers), value))
    return shown, unseen


def label_for(name: str, numbers: dict[str, int] | None = None) -> str:
    """A label for a field known only by its name: the form classes' own label where the name
    tells it (preferring the forms of the blueprint being used), else words made from the name."""
    candidates = static_labels().get(name, {})
    blueprint = request.blueprint or ""
    preferred = {label for module, label in candidates.items() if f".{blueprint}." in module}
    for found in (preferred, set(candidates.values())):
        if len(found) == 1:
            return found.pop()
    numbered = NUMBERED.match(name)
    if numbered:
        prefix, suffix = numbered.groups()
        n = (numbers or {}).get(suffix, suffix)
        pattern = NUMBERED_LABELS.get(prefix, prefix.capitalize() + " {suffix}")
        return pattern.format(n=n, suffix=suffix)
    return name.replace("_", " ").capitalize()


def _form_classes() -> list[type]:
    found: list[type] = []
    todo = list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if "<locals>" not in cls.__qualname__:  # not the forms built per request from the rubric
            found.append(cls)
    return found


def _unbound_fields(cls: type) -> "dict[str, UnboundField[Any]]":
    fields: dict[str, UnboundField[Any]] = {}
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, UnboundField):
                fields[name] = value
    return fields


@cache
def static_labels() -> dict[str, dict[str, str]]:
    """{field name: {form module.class: label}} for every field the app's forms declare."""
    labels: dict[str, dict[str, str]] = {}
    for cls in _form_classes():
        for name, unbound in _unbound_fields(cls).items():
            label = unbound.args[0] if unbound.args else unbound.kwargs.get("label")
            if isinstance(label, str) and label:
                labels.setdefault(name, {})[f"{cls.__module__}.{cls.__qualname__}"] = label
    return labels


@cache
def secret_names() -> frozenset[str]:
    """The names of every password field in the app's forms: never shown, never sent back."""
    return frozenset(
        name
        for cls in _form_classes()
        for name, unbound in _unbound_fields(cls).items()
        if issubclass(unbound.field_class, PasswordField)
    )
