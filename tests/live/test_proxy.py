"""The deployment of README "Deployment": nginx with TLS (a throw-away certificate made here with
openssl) in front of two gunicorn servers that share the test database and one Redis, with the
README's `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for` and TRUSTED_PROXY_HOPS=1.

A client that writes a new X-Forwarded-For on every request escapes neither the intake limit nor
the log-in lockout, across both servers, and the access log stores the address nginx saw.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from screening.models import AccessLog, Submission
from tests.support.intake import INTAKE, ONE_PAGE, RESULT, form_data
from tests.support.live import HOST, Browser, Fields, Gunicorn, Response, free_port
from tests.support.servers import RedisServer, shared_database_url

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
INTAKE_LIMIT = 4
LOGIN = "/accounts/login/"

NGINX_CONF = """
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream ionto {{ server {host}:{app1}; server {host}:{app2}; }}
    server {{
        listen {host}:{port} ssl;
        ssl_certificate {tmp}/cert.pem;
        ssl_certificate_key {tmp}/key.pem;
        client_max_body_size 1m;
        client_header_timeout 10s;
        client_body_timeout 10s;
        location / {{
            proxy_pass http://ionto;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_connect_timeout 5s;
            proxy_read_timeout 60s;
        }}
    }}
}}
"""


class Nginx:
    def __init__(self, tmp: Path, upstreams: list[int]) -> None:
        self.tmp, self.port = tmp, free_port()
        certificate = ["-days", "1", "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=IP:{HOST}"]
        files = ["-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem")]
        subprocess.run(  # noqa: S603 -- openssl from PATH, fixed arguments
            [
                shutil.which("openssl") or "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                *certificate,
                *files,
            ],
            check=True,
            capture_output=True,
        )
        conf = NGINX_CONF.format(tmp=tmp, host=HOST, port=self.port, app1=upstreams[0], app2=upstreams[1])
        (tmp / "nginx.conf").write_text(conf)
        self.tls = ssl.create_default_context(cafile=str(tmp / "cert.pem"))
        self.process = subprocess.Popen(  # noqa: S603
            [NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-e", str(tmp / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def browser(self) -> Browser:
        return Browser(HOST, self.port, tls=self.tls)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@pytest.fixture(scope="module")
def proxy(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nginx]:
    if not Path(NGINX).exists():
        pytest.fail("nginx is not installed (apt-get install -y nginx-light; .ci/run does it)")
    tmp = tmp_path_factory.mktemp("proxy")
    with RedisServer(tmp) as redis:
        env = {
            "DATABASE_URL": shared_database_url(),
            "REDIS_URL": redis.url,
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_STATIC_ROOT": str(settings.STATIC_ROOT),
            "TRUSTED_PROXY_HOPS": "1",
            "INTAKE_RATE_LIMIT": str(INTAKE_LIMIT),
            "WEB_CONCURRENCY": "2",
        }
        with Gunicorn(env, tmp / "app1.log") as app1, Gunicorn(env, tmp / "app2.log") as app2:
            nginx = Nginx(tmp, [app1.port, app2.port])
            try:
                _wait_until_it_answers(nginx)
                yield nginx
            finally:
                nginx.stop()


def _wait_until_it_answers(nginx: Nginx) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if nginx.browser().get("/").status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nginx did not answer; its log: {nginx.tmp / 'error.log'}")


def _served_by_both(nginx: Nginx, line: str) -> bool:
    return all(line in (nginx.tmp / log).read_text() for log in ("app1.log", "app2.log"))


def test_rotating_forwarded_for_through_nginx_does_not_escape_the_intake_limit(proxy: Nginx) -> None:
    answers = {k: v for k, v in form_data().items() if k != "form_token"}  # the page has its own
    statuses = []
    for n in range(INTAKE_LIMIT + 2):
        patient = proxy.browser()
        if n % 2:
            # nginx takes the servers in turn, request by request: one more page view every
            # other patient puts their sends on alternate servers too.
            patient.get("/")
        sent = _post(patient, INTAKE, patient.fill(ONE_PAGE, "intake-form", answers), n)
        statuses.append(sent.status)
        if sent.status == 302:
            assert sent.headers["Location"] == RESULT
    assert statuses == [302] * INTAKE_LIMIT + [429, 429]
    assert Submission.objects.count() == INTAKE_LIMIT
    assert _served_by_both(proxy, "POST /intake/")


def test_rotating_forwarded_for_through_nginx_does_not_escape_the_lockout(proxy: Nginx) -> None:
    User.objects.create_user("thea", password="correct-horse-battery")
    statuses = [_log_in(proxy, "wrong-password", n) for n in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert _log_in(proxy, "correct-horse-battery", 99) == 429
    assert _served_by_both(proxy, f"POST {LOGIN}")
    # The access log names the address nginx saw, never one the client wrote.
    rows = AccessLog.objects.filter(action__in=[AccessLog.Action.LOGIN_FAILED, AccessLog.Action.LOCKOUT])
    assert rows.count() >= 6
    assert set(rows.values_list("client_address", flat=True)) == {HOST}


def test_nginx_refuses_a_body_over_its_cap_before_the_app_sees_it(proxy: Nginx) -> None:
    big = b"first_name=" + b"x" * 2_000_000
    sent = proxy.browser().request("POST", INTAKE, big, {"Content-Type": "application/x-www-form-urlencoded"})
    assert sent.status == 413


def _log_in(proxy: Nginx, password: str, n: int) -> int:
    browser = proxy.browser()
    if n % 2:  # alternate servers, as for the intake above
        browser.get("/")
    fields = browser.fill(LOGIN, "login-form", {"username": "thea", "password": password})
    return _post(browser, LOGIN, fields, n).status


def _post(browser: Browser, path: str, fields: Fields, n: int) -> Response:
    """POSTs the form with a client-written X-Forwarded-For that is new each time."""
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": f"198.51.100.{n}"}
    return browser.request("POST", path, urlencode(fields, doseq=True).encode(), headers)
