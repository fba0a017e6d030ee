"""gunicorn with the production configuration on 127.0.0.1, and a small HTTP client to drive it.

Used by the live tests (tests/live/) and by `make bench` (bench/run.py), which imports it before
Django is set up: standard library only.

The client keeps cookies and sends a form as a browser would: the checked boxes and filled inputs
of the page it was given. It also plays the TLS proxy of a deployment (README.md): every request
says X-Forwarded-Proto: https, which gunicorn trusts from 127.0.0.1, so Django sees HTTPS as in
production (secure cookies, the CSRF origin check against https://). One connection per request
(gunicorn's sync workers close each connection anyway).
"""

from __future__ import annotations

import http.client
import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from types import TracebackType
from urllib.parse import urlencode

Fields = dict[str, list[str]]

BASE_DIR = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"


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


def as_fields(values: Mapping[str, str | list[str]]) -> Fields:
    """Form values as form_fields() gives them: name -> list of values."""
    return {k: [v] if isinstance(v, str) else list(v) for k, v in values.items()}


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

    def __init__(
        self, host: str, port: int, *, timeout: float = 60, tls: ssl.SSLContext | None = None
    ) -> None:
        self.host, self.port, self.timeout, self.tls = host, port, timeout, tls
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: Mapping[str, str] | None = None
    ) -> Response:
        if self.tls is None:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        else:  # through the TLS proxy itself (tests/live/test_proxy.py)
            conn = http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout, context=self.tls)
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

    def fill(self, path: str, form_id: str, values: Mapping[str, str | list[str]]) -> Fields:
        """GETs the page and returns its form's fields (hidden tokens included) with values filled in."""
        page = self.get(path)
        if page.status != 200:
            raise RuntimeError(f"GET {path} answered {page.status}")
        fields = form_fields(page.text, form_id)
        fields.update(as_fields(values))
        return fields


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Gunicorn:
    """`with Gunicorn(env, log) as server:` starts it, waits until it answers, and stops it after."""

    def __init__(self, env: Mapping[str, str], log_path: Path, *, start_within: float = 60) -> None:
        self.port = free_port()
        self.env = {**os.environ, **env, "GUNICORN_BIND": f"{HOST}:{self.port}"}
        self.log_path = log_path
        self.start_within = start_within
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Gunicorn:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            self._wait_until_it_answers()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def browser(self) -> Browser:
        return Browser(HOST, self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _wait_until_it_answers(self) -> None:
        deadline = time.monotonic() + self.start_within
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start; its log: {self.log_path}")
            try:
                if Browser(HOST, self.port, timeout=5).get("/").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(
            f"gunicorn did not answer within {self.start_within:.0f} s; its log: {self.log_path}"
        )
