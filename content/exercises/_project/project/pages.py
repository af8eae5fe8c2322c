"""Reading a page the way a browser would, for the checks in tests.py.

The checks look at what the learner's page offers (its forms, its buttons,
its text), not at how the template is written, so any HTML that works in a
browser passes.
"""

from html.parser import HTMLParser


class Form:
    """One <form>: where it sends, how, and the fields and buttons inside it."""

    def __init__(self, attrs):
        self.action = attrs.get("action") or ""
        self.method = (attrs.get("method") or "get").lower()
        self.fields = {}
        self.buttons = []

    def sends(self, name, value):
        """True when submitting this form sends name=value (a field or a button)."""
        return value in self.fields.get(name, []) or any(
            button["name"] == name and button["value"] == value
            for button in self.buttons
        )

    def has_csrf_token(self):
        return "csrfmiddlewaretoken" in self.fields


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms = []
        self.text = []
        self._form = None
        self._button = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = Form(attrs)
            self.forms.append(self._form)
        elif self._form is not None and tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind == "submit":
                self._add_button(attrs)
            elif attrs.get("name"):
                self._form.fields.setdefault(attrs["name"], []).append(
                    attrs.get("value") or ""
                )
        elif self._form is not None and tag == "button":
            if (attrs.get("type") or "submit").lower() == "submit":
                self._button = self._add_button(attrs)
        elif (
            self._form is not None
            and tag in ("select", "textarea")
            and attrs.get("name")
        ):
            self._form.fields.setdefault(attrs["name"], []).append("")

    def _add_button(self, attrs):
        button = {
            "name": attrs.get("name") or "",
            "value": attrs.get("value") or "",
            "disabled": "disabled" in attrs,
            "text": "",
        }
        self._form.buttons.append(button)
        return button

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "button":
            self._button = None

    def handle_data(self, data):
        self.text.append(data)
        if self._button is not None:
            self._button["text"] += data


def read(response):
    """The forms and the visible text of a test client's response."""
    reader = _Reader()
    reader.feed(response.content.decode(response.charset or "utf-8"))
    reader.close()
    text = " ".join(" ".join(reader.text).split())
    return reader.forms, text
