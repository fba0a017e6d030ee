"""A small HTTP client for our own server on 127.0.0.1, used by bench/run.py and the live tests.

It keeps cookies and sends a form as a browser would: the checked boxes and filled inputs of the
page it was given. It also plays the TLS proxy of a deployment (README.md): every request says
X-Forwarded-Proto: https, which gunicorn trusts from 127.0.0.1, so Django sees HTTPS as in
production (secure cookies, the CSRF origin check against https://). Standard library only, one
connection per request (gunicorn's sync workers close each connection anyway).
"""

from __future__ import annotations

import http.client
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode

Fields = dict[str, list[str]]


class _FormFields(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.found = False
        self.fields: Fields = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = self.found = True
        elif tag in ("select", "textarea") and self.inside:
            raise ValueError(f"<{tag}> is not supported by this client")
        elif tag == "input" and self.inside and a.get("name") and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "image", "file"):
                return
            if kind in ("radio", "checkbox") and "checked" not in a:
                return
            self.fields.setdefault(a["name"], []).append(a.get("value", "on" if kind == "checkbox" else ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def form_fields(html: str, form_id: str) -> Fields:
    """What a browser would send from the form with this id, name -> values in page order."""
    parser = _FormFields(form_id)
    parser.feed(html)
    if not parser.found:
        raise ValueError(f"no form with id {form_id!r} on the page")
    return parser.fields


@dataclass(frozen=True)
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


class Browser:
    """One visitor: their cookies, and requests to http://host:port."""

    def __init__(self, host: str, port: int, *, timeout: float = 60) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: Mapping[str, str] | None = None
    ) -> Response:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            sent = {"X-Forwarded-Proto": "https", **(headers or {})}
            if method == "POST":
                sent.setdefault("Origin", f"https://{self.host}:{self.port}")
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, path, body=body, headers=sent)
            raw = conn.getresponse()
            response = Response(raw.status, raw.headers, raw.read())
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or ():
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, path: str, headers: Mapping[str, str] | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, fields: Mapping[str, str | list[str]]) -> Response:
        body = urlencode(fields, doseq=True).encode()
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def fill(self, path: str, form_id: str, values: Mapping[str, str | list[str]]) -> dict[str, list[str]]:
        """GETs the page and returns its form's fields (hidden tokens included) with values filled in."""
        page = self.get(path)
        if page.status != 200:
            raise RuntimeError(f"GET {path} answered {page.status}")
        fields = form_fields(page.text, form_id)
        fields.update({k: [v] if isinstance(v, str) else list(v) for k, v in values.items()})
        return fields
