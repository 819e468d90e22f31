"""Read the forms on a page and send them back as a browser would: what the page holds is what
is sent, so a test proves the page kept what the person typed, not that it printed it somewhere.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any


def _lines(text: str) -> str:
    """Line breaks as a browser sends them: the page's CR LF, CR or LF become CR LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


@dataclass
class PageForm:
    action: str | None
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    readonly: set[str] = field(default_factory=set)  # fields shown but not editable
    disabled: set[str] = field(default_factory=set)  # controls a browser would not send
    order: list[str] = field(default_factory=list)  # every control's name, in page order

    def get(self, name: str) -> str | None:
        """The value the form would send for `name` (the first, if several), or None."""
        for key, value in self.fields:
            if key == name:
                return value
        return None

    def names(self) -> set[str]:
        return {key for key, _ in self.fields}

    def data(self, button: tuple[str, str] | None = None) -> dict[str, list[str]]:
        """The form data a browser sends when `button` (name, value) is pressed."""
        out: dict[str, list[str]] = {}
        for key, value in self.fields:
            out.setdefault(key, []).append(value)
        if button is not None:
            out.setdefault(button[0], []).append(button[1])
        return out


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self.form: PageForm | None = None
        self.textarea: list[str] | None = None
        self.textarea_name = ""
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.form = PageForm(a.get("action"), a.get("method", "get").lower())
            self.forms.append(self.form)
            return
        form = self.form
        if form is None:
            return
        name = a.get("name", "")
        if name and tag in ("input", "textarea", "select") and name not in form.order:
            form.order.append(name)
        if tag == "input":
            kind = a.get("type", "text").lower()
            if not name:
                return
            if "disabled" in a:
                form.disabled.add(name)
                return
            if "readonly" in a:
                form.readonly.add(name)
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
            elif kind in ("submit", "image"):
                form.buttons.append((name, a.get("value", "")))
            elif kind not in ("button", "reset", "file"):
                form.fields.append((name, _lines(a.get("value", ""))))
        elif tag == "textarea" and name:
            if "disabled" in a:
                form.disabled.add(name)
                return
            if "readonly" in a:
                form.readonly.add(name)
            self.textarea, self.textarea_name = [], name
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in a:
            form.fields.append((self.select, a.get("value", "")))
        elif tag == "button" and a.get("type", "submit") == "submit":
            form.buttons.append((name, a.get("value", "")))

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self.textarea is not None and self.form is not None:
            text = "".join(self.textarea).replace("\r\n", "\n").replace("\r", "\n")
            if text.startswith("\n"):  # the HTML parser drops one newline after <textarea>
                text = text[1:]
            self.form.fields.append((self.textarea_name, _lines(text)))
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.form = None


def forms_on(page: str) -> list[PageForm]:
    reader = _Reader()
    reader.feed(page)
    reader.close()
    return reader.forms


def form_with(page: str, name: str) -> PageForm:
    """The POST form on the page that holds a control called `name`."""
    found = [
        f
        for f in forms_on(page)
        if f.method == "post" and (name in f.names() or name in f.disabled)
    ]
    assert found, f"no form on the page holds {name!r}"
    return found[0]


def fill(form: PageForm, typed: dict[str, str]) -> PageForm:
    """The form with `typed` entered: each typed field replaces what the page held, and the
    fields are sent in page order, as a browser sends them."""
    missing = [name for name in typed if name not in form.order]
    assert not missing, f"the page's form has no field {missing}"
    fields: list[tuple[str, str]] = []
    for name in form.order:
        if name in typed:
            fields.append((name, _lines(typed[name])))
        else:
            fields.extend((k, v) for k, v in form.fields if k == name)
    return PageForm(form.action, form.method, fields, form.buttons, order=form.order)


def post(client: Any, url: str, form: PageForm, button: tuple[str, str] | None = None) -> Any:
    """Send `form` as a browser would: to its action, or back to the page it came from."""
    return client.post(form.action or url, data=form.data(button))


class _ReadOnlyReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.labels: dict[str, str] = {}
        self.values: dict[str, str] = {}
        self.label_for: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "label" and a.get("for"):
            self.label_for = a["for"]
            self.labels[self.label_for] = ""
        elif tag == "input" and "readonly" in a and a.get("id"):
            self.values[a["id"]] = a.get("value", "")
        elif tag == "textarea" and "readonly" in a and a.get("id"):
            self.textarea = a["id"]
            self.values[self.textarea] = ""

    def handle_data(self, data: str) -> None:
        if self.label_for is not None:
            self.labels[self.label_for] += data
        if self.textarea is not None:
            self.values[self.textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.label_for = None
        elif tag == "textarea" and self.textarea is not None:
            text = self.values[self.textarea].replace("\r\n", "\n")
            self.values[self.textarea] = text[1:] if text.startswith("\n") else text
            self.textarea = None


def read_only_answers(page: str) -> dict[str, str]:
    """The page's read-only answers, {label: value}, line breaks as LF."""
    reader = _ReadOnlyReader()
    reader.feed(page)
    reader.close()
    return {
        " ".join(reader.labels.get(id_, "").split()): value.replace("\r\n", "\n")
        for id_, value in reader.values.items()
    }
