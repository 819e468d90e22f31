"""Tests for the Jinja2 form macros in templates/_macros/form.html."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, flash, render_template_string
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

TEMPLATES = Path(__file__).parent.parent / "templates"

SCRIPT = "<script>alert(1)</script>"


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DemoForm(FlaskForm):
    name = StringField("Your name", validators=[DataRequired(message="Enter your name")])
    email = EmailField(
        "Email address",
        validators=[Email(message="Enter an email address in the correct format")],
    )
    story = TextAreaField(
        "About your project",
        validators=[Length(max=20, message="Project summary must be 20 characters or fewer")],
    )
    choice = RadioField(
        "Which round?",
        choices=[SelectChoice("spring", "Spring round"), SelectChoice("autumn", "Autumn round")],
        validators=[InputRequired(message="Select a round")],
    )
    agree = BooleanField(
        "I agree to the rules", validators=[DataRequired(message="Agree to the rules")]
    )
    ward = SelectField(
        "Ward", choices=[SelectChoice("north", "North"), SelectChoice("south", "South")]
    )
    password = PasswordField(
        "Password", validators=[Length(min=12, message="Password must be 12 characters or more")]
    )
    themes = MultiCheckboxField(
        "Themes",
        choices=[SelectChoice("green", "Green spaces"), SelectChoice("youth", "Young people")],
        validators=[DataRequired(message="Select at least one theme")],
    )


BAD_DATA = {
    "name": "",
    "email": SCRIPT,
    "story": SCRIPT,
    "ward": "north",
    "password": "short",
}

PAGE = """
{%- from "_macros/form.html" import error_summary, field, radios, button, checkbox,
    checkboxes, link_button, back_link, summary_row, tag, flash_messages -%}
{{ back_link("/rounds") }}
{{ flash_messages() }}
{{ error_summary(form, extra=[("budget", "Budget is over the limit")]) }}
{{ field(form.name, hint="As it appears on your tenancy", autocomplete="name") }}
{{ field(form.email, classes="input--width-20", spellcheck=False) }}
{{ field(form.story, character_count=True) }}
{{ radios(form.choice, hints={"spring": "Closes in April"}, is_page_heading=True) }}
{{ field(form.agree) }}
{{ field(form.ward) }}
{{ field(form.password, prefix="£", attrs={"data-test": "pw"}) }}
{{ field(form.themes, hint="Select all that apply") }}
{{ button("Save and continue", name="action", value="save") }}
{{ button("Delete", kind="warning", attrs={"data-confirm": "Delete this?"}) }}
{{ link_button("/start", "Start now", kind="secondary") }}
<dl class="summary-list">{{ summary_row("Name", user_value, action_href="/name") }}</dl>
{{ tag("Open", "green") }}{{ tag("Odd", "nonsense") }}
"""


class TagCollector(HTMLParser):
    """Collect every start tag with its attributes, and the page's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def by_id(self, element_id: str) -> tuple[str, dict[str, str | None]]:
        matches = [t for t in self.tags if t[1].get("id") == element_id]
        assert len(matches) == 1, f"expected one #{element_id}, found {len(matches)}"
        return matches[0]

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [
            a
            for t, a in self.tags
            if t == tag
            and all(a.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
        ]


@pytest.fixture()
def app() -> Flask:
    app = Flask(__name__, template_folder=str(TEMPLATES))
    app.config.update(SECRET_KEY="test-secret", WTF_CSRF_ENABLED=False, TESTING=True)
    return app


def render_bad_form(app: Flask) -> tuple[str, TagCollector]:
    with app.test_request_context("/", method="POST", data=BAD_DATA):
        form = DemoForm()
        assert not form.validate()
        flash("Your answers were saved", "success")
        flash("The round closes on Friday", "info")
        html = render_template_string(PAGE, form=form, user_value=SCRIPT)
    parser = TagCollector()
    parser.feed(html)
    return html, parser


def test_error_summary_links_to_fields(app: Flask) -> None:
    html, page = render_bad_form(app)
    div = page.find("div", class_="error-summary")[0]
    assert div["role"] == "alert"
    assert div["tabindex"] == "-1"
    assert div["data-module"] == "error-summary"
    assert div["aria-labelledby"] == "error-summary-title"
    assert "There is a problem" in html
    hrefs = [a["href"] for t, a in page.tags if t == "a" and a.get("href", "").startswith("#")]
    assert "#name" in hrefs
    assert "#choice-0" in hrefs  # radios link to the first input
    assert "#themes-0" in hrefs  # so do checkbox lists
    assert "#agree" in hrefs
    assert "#budget" in hrefs  # extra (field_id, message) pairs
    assert "#ward" not in hrefs  # valid field
    assert '<a href="#name">Enter your name</a>' in html


def test_field_aria_and_error_message(app: Flask) -> None:
    html, page = render_bad_form(app)
    _, name = page.by_id("name")
    assert name["class"] == "input input--error"
    assert name["aria-describedby"] == "name-hint name-error"
    assert name["aria-invalid"] == "true"
    assert name["autocomplete"] == "name"
    assert "required" not in name  # browser validation is left to the server
    _, hint = page.by_id("name-hint")
    assert hint["class"] == "hint"
    assert "As it appears on your tenancy" in html
    assert (
        '<p id="name-error" class="error-message">'
        '<span class="visually-hidden">Error:</span> Enter your name</p>'
    ) in html
    assert page.find("label", for_="name", class_="label")
    assert '<div class="form-group form-group--error">' in html

    _, email = page.by_id("email")
    assert email["type"] == "email"
    assert email["spellcheck"] == "false"
    assert email["class"] == "input input--error input--width-20"

    _, ward = page.by_id("ward")  # valid: no error attributes
    assert ward["class"] == "select"
    assert "aria-invalid" not in ward
    assert "aria-describedby" not in ward


def test_user_input_is_escaped(app: Flask) -> None:
    """Item 17: the form macros escape user input."""
    html, page = render_bad_form(app)
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    _, email = page.by_id("email")
    assert email["value"] == SCRIPT  # round-trips as text, not markup


def test_radios_with_item_hint(app: Flask) -> None:
    html, page = render_bad_form(app)
    fieldsets = page.find("fieldset", class_="fieldset")
    assert fieldsets[0]["aria-describedby"] == "choice-error"
    assert '<h1 class="fieldset__heading">Which round?</h1>' in html
    _, spring = page.by_id("choice-0")
    assert spring["type"] == "radio"
    assert spring["class"] == "radios__input"
    assert spring["aria-describedby"] == "choice-0-item-hint"
    _, autumn = page.by_id("choice-1")
    assert "aria-describedby" not in autumn
    _, item_hint = page.by_id("choice-0-item-hint")
    assert item_hint["class"] == "hint radios__hint"
    assert "Closes in April" in html
    assert page.find("label", for_="choice-0", class_="label radios__label")


def test_checkboxes_checkbox_and_character_count(app: Flask) -> None:
    _, page = render_bad_form(app)
    _, agree = page.by_id("agree")
    assert agree["type"] == "checkbox"
    assert agree["class"] == "checkboxes__input"
    assert agree["aria-describedby"] == "agree-error"
    _, theme = page.by_id("themes-0")
    assert theme["type"] == "checkbox"
    assert theme["class"] == "checkboxes__input"
    _, story = page.by_id("story")
    assert story["data-maxlength"] == "20"
    assert "maxlength" not in story
    assert story["aria-describedby"] == "story-info story-error"
    assert page.find("div", data_module="character-count")
    _, password = page.by_id("password")
    assert password["data-test"] == "pw"
    assert page.find("div", class_="input__prefix", aria_hidden="true")


def test_buttons_tags_summary_and_flash(app: Flask) -> None:
    html, page = render_bad_form(app)
    save = page.find("button", name="action")[0]
    assert save["class"] == "button" and save["type"] == "submit" and save["value"] == "save"
    assert page.find("button", class_="button button--warning", data_confirm="Delete this?")
    start = page.find("a", href="/start")[0]
    assert start["role"] == "button" and start["draggable"] == "false"
    assert start["class"] == "button button--secondary"
    assert page.find("a", href="/rounds", class_="back-link no-print")
    assert '<strong class="tag tag--green">Open</strong>' in html
    assert '<strong class="tag tag--grey">Odd</strong>' in html
    assert '<span class="visually-hidden"> name</span>' in html
    success = page.find("div", role="alert", aria_labelledby="flash-title-1")
    assert success and "notification-banner--success" in (success[0]["class"] or "")
    info = page.find("div", role="region", aria_labelledby="flash-title-2")
    assert info and "Your answers were saved" in html and "The round closes on Friday" in html


def test_no_errors_renders_no_summary(app: Flask) -> None:
    with app.test_request_context("/"):
        form = DemoForm()
        html = render_template_string(
            '{% from "_macros/form.html" import error_summary, field %}'
            "{{ error_summary([form]) }}{{ field(form.name) }}",
            form=form,
        )
    assert "error-summary" not in html
    assert "aria-invalid" not in html
    assert "form-group--error" not in html


def test_csrf_error_says_page_expired(app: Flask) -> None:
    """Item 15: a CSRF failure says the page expired."""
    app.config["WTF_CSRF_ENABLED"] = True
    with app.test_request_context("/", method="POST", data={"name": "Ann"}):
        form = DemoForm()
        assert not form.validate()
        assert form.csrf_token.errors
        html = render_template_string(
            '{% from "_macros/form.html" import error_summary %}{{ error_summary(form) }}',
            form=form,
        )
    assert (
        '<a href="#main-content">This page had expired. '
        "Check your answers and send the form again.</a>"
    ) in html
    assert "CSRF" not in html


def test_choice_inputs_match_the_wtforms_widget(app: Flask) -> None:
    """The radios and checkboxes macro writes each input itself (the widget's attribute
    formatting was most of a scoring page's time): the markup must stay what WTForms writes,
    chosen options checked and odd values escaped."""

    class ChoiceForm(FlaskForm):
        pick = RadioField("Pick", choices=[SelectChoice("1", "One"), SelectChoice('2"<&>', "Two")])
        many = MultiCheckboxField("Many", choices=[SelectChoice("a", "A"), SelectChoice("b&", "B")])

    page = (
        '{% from "_macros/form.html" import radios, checkboxes %}'
        "{{ radios(form.pick) }}{{ checkboxes(form.many) }}"
    )
    with app.test_request_context("/", method="POST", data={"pick": '2"<&>', "many": ["b&"]}):
        form = ChoiceForm()
        html = render_template_string(page, form=form)
        expected = [sub(class_="radios__input", required=False) for sub in form.pick]
        expected += [sub(class_="checkboxes__input", required=False) for sub in form.many]
    for tag in expected:
        assert str(tag) in html
    assert html.count(" checked ") == 2
    assert 'value="2&#34;&lt;&amp;&gt;"' in html


class TextArea(widgets.TextArea):
    """WTForms' textarea widget (by its class name), counting its calls."""

    calls = 0

    def __call__(self, field: Any, **kwargs: Any) -> Any:
        TextArea.calls += 1
        return super().__call__(field, **kwargs)


class OwnWidget(widgets.TextArea):
    def __call__(self, field: Any, **kwargs: Any) -> Any:
        return Markup("<textarea>own widget</textarea>")


def test_a_plain_textarea_is_written_as_the_general_branch_writes_it(app: Flask) -> None:
    """`field` writes a plain textarea itself (a scoring page has thirteen, and the general
    branch and the widget were most of its time): the markup must stay byte for byte what the
    general branch writes through WTForms' widget, with errors, hints, classes, length flags
    and awkward text alike. (`attrs={"class": ""}` sends a field down the general branch
    without changing its markup.)"""

    class NotesForm(FlaskForm):
        short = TextAreaField(
            "Short note", validators=[Length(min=5, max=20, message="5 to 20 characters")]
        )
        free = TextAreaField("Free text")
        capped = TextAreaField("Capped", validators=[Length(max=2000)])

    calls = [
        ("short", 'hint="Say it briefly"'),
        ("short", 'rows=3, classes="textarea--wide"'),
        ("free", ""),
        ("free", 'hint="Anything", label="Another label", label_class="label label--s"'),
        ("capped", "rows=4"),
    ]
    page = '{% from "_macros/form.html" import field %}' + "".join(
        f"<p>{{{{ field(form.{name}{', ' if args else ''}{args}) }}}}</p>"
        f"<p>{{{{ field(form.{name}, {args}{', ' if args else ''}attrs={{'class': ''}}) }}}}</p>"
        for name, args in calls
    )
    sent = {"short": 'x"<&>\r\nline two, far too long', "free": SCRIPT, "capped": "kept"}
    with app.test_request_context("/", method="POST", data=sent):
        form = NotesForm()
        assert not form.validate()  # "short" is over 20 characters: its error shows
        html = render_template_string(page, form=form)
    parts = html.split("<p>")[1:]
    assert len(parts) == 2 * len(calls)
    # The widget is called by the general branch only (the short one writes the tag itself),
    # and a textarea with a widget of its own always takes the general branch.
    with app.test_request_context("/", method="POST", data=sent):
        form = NotesForm()
        form.free.widget = TextArea()
        render_template_string(page, form=form)
        assert TextArea.calls == sum(1 for name, _ in calls if name == "free")
        form.free.widget = OwnWidget()
        assert render_template_string(page, form=form).count("own widget") == 4
    for plain, general in zip(parts[::2], parts[1::2], strict=True):
        assert "<textarea" in plain
        assert plain == general
    assert 'aria-invalid="true"' in parts[0] and 'maxlength="20" minlength="5"' in parts[0]
    assert SCRIPT not in html and "&lt;script&gt;" in html
