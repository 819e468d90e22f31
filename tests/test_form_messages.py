"""Every required-field message says what to enter (issue 15): no form of the app ever shows
WTForms' "This field is required." (or its other stock sentences) when a field is left empty.

The scan finds every form class under panel/ (each subclass of panel.forms.PanelForm), posts it
empty and collects every message; a new form is scanned without being listed here.
"""

import importlib
import inspect
import pkgutil
from pathlib import Path
from typing import Any

from flask import Flask

import panel
from panel.forms import PanelForm

STOCK = (
    "This field is required.",
    "Not a valid integer value.",
    "Not a valid decimal value.",
    "Not a valid float value.",
    "Not a valid date value.",
    "Not a valid datetime value.",
)


def every_form() -> list[type[PanelForm]]:
    """Each PanelForm subclass defined in a module under panel/ (imported here)."""
    for info in pkgutil.walk_packages(panel.__path__, "panel."):
        importlib.import_module(info.name)
    found: list[type[PanelForm]] = []
    todo: list[type[PanelForm]] = [PanelForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("panel."):
                found.append(sub)
    return sorted(set(found), key=lambda c: (c.__module__, c.__name__))


def _messages(errors: Any) -> list[str]:
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in _messages(value)]
    if isinstance(errors, list | tuple):
        return [m for value in errors for m in _messages(value)]
    return [str(errors)]


def _stock_messages(cls: type[PanelForm]) -> list[str]:
    form = cls()
    for field in form._fields.values():
        # A select or radio offers choices its view sets: offer one, which is not picked.
        if hasattr(field, "choices") and not field.choices:
            field.choices = [("1", "One")]
    form.validate()
    return [m for m in _messages(form.errors) if m in STOCK]


def test_no_form_answers_an_empty_field_with_a_stock_message(app: Flask) -> None:
    forms = every_form()
    assert len(forms) > 40, "the scan should find every form of the app"
    app.config["WTF_CSRF_ENABLED"] = False
    found: dict[str, list[str]] = {}
    for cls in forms:
        # Sent with nothing at all, and sent as a browser sends it: every field there, empty.
        with app.test_request_context(method="POST", data={}):
            names = [f.name for f in cls()]
            stock = _stock_messages(cls)
        with app.test_request_context(method="POST", data=dict.fromkeys(names, "")):
            stock += _stock_messages(cls)
        if stock:
            found[f"{cls.__module__}.{cls.__name__}"] = stock
    assert found == {}, f"forms with stock messages: {found}"


def test_no_template_or_module_writes_the_stock_sentence() -> None:
    root = Path(panel.__file__).resolve().parent.parent
    files = [*root.joinpath("templates").rglob("*.html"), *root.joinpath("panel").rglob("*.py")]
    assert not [f for f in files if "This field is required" in f.read_text()]


def test_the_scan_finds_the_forms_of_the_rounds_area() -> None:
    names = {c.__name__ for c in every_form()}
    assert {"RoundForm", "StageForm", "StepBackForm", "AddMemberForm"} <= names
    assert all(inspect.isclass(c) for c in every_form())
