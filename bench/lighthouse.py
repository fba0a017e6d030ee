"""Lighthouse mobile scores for each patient page, on the production configuration (issue 10).

Not part of `make test`: it needs Lighthouse, which the project does not pin. Install it outside the
repository (Lighthouse 13 wants Node 22; 12.2.3 runs on Node 20) and point LIGHTHOUSE at it:

    cd /tmp/lh && npm i -E lighthouse@12.2.3
    LIGHTHOUSE=/tmp/lh/node_modules/.bin/lighthouse python -m bench.lighthouse

Starts gunicorn with gunicorn.conf.py on a fresh SQLite database, walks a patient to each page with
the bench's HTTP client, and hands that patient's session cookie to Lighthouse (Debian's Chromium,
headless), so a step page, "Check your answers" and the confirmation are scored as the patient sees
them. Prints Performance, Accessibility, Best practices and SEO per page; the JSON reports stay in
test-artifacts/lighthouse/.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench import intake_steps
from bench.run import WORK_DIR as BENCH_DIR
from bench.run import _answer_sets, fresh_database, manage
from tests.support.live import BASE_DIR, Browser, Gunicorn

OUT = BASE_DIR / "test-artifacts" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def _cookie(browser: Browser) -> str:
    return "; ".join(f"{k}={v}" for k, v in browser.cookies.items())


def walk(server: Gunicorn, until: str | None = None, *, send: bool = False) -> Browser:
    """A new patient who answered every page before `until` (all of them if None), and sent them."""
    from screening.forms.steps import STEPS

    answers = _answer_sets(1)[0]
    browser = server.browser()
    for step in STEPS:
        if step.slug == until:
            return browser
        path = intake_steps.step_path(step)
        page = browser.get(path)
        fields = {"csrfmiddlewaretoken": intake_steps.CSRF.findall(page.text)[0]}
        browser.post(path, {**fields, **intake_steps.page_fields(step, answers)})
    check = browser.get(intake_steps.CHECK)
    if send:
        tokens = {
            "csrfmiddlewaretoken": intake_steps.CSRF.findall(check.text)[0],
            "form_token": intake_steps.FORM_TOKEN.findall(check.text)[0],
            "consent": "on",
        }
        if browser.post(intake_steps.SEND, tokens).status != 302:
            raise RuntimeError("Send was refused")
    return browser


def patient_pages(server: Gunicorn) -> dict[str, tuple[str, str]]:
    """Page name -> (path, the Cookie header of a patient who reached it)."""
    return {
        "start page": ("/", ""),
        "first step (name)": ("/intake/name/", ""),
        "step with choices (skin)": ("/intake/skin/", _cookie(walk(server, "skin"))),
        "check your answers": (intake_steps.CHECK, _cookie(walk(server))),
        "confirmation": ("/intake/result/", _cookie(walk(server, send=True))),
    }


def score(lighthouse: str, url: str, cookie: str, name: str) -> dict[str, int]:
    report = OUT / f"{name.replace(' ', '-').replace('(', '').replace(')', '')}.json"
    headers = {"X-Forwarded-Proto": "https", **({"Cookie": cookie} if cookie else {})}
    subprocess.run(
        [
            lighthouse,
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            "--form-factor=mobile",
            "--chrome-flags=--headless --no-sandbox --disable-gpu",
            f"--extra-headers={json.dumps(headers)}",
        ],
        env={**os.environ, "CHROME_PATH": os.getenv("CHROME_PATH", "/usr/bin/chromium")},
        check=True,
        capture_output=True,
    )
    result = json.loads(report.read_text())
    flagged = [
        audit["id"]
        for audit in result["audits"].values()
        if audit.get("score") is not None and audit["score"] < 1 and audit.get("scoreDisplayMode") == "binary"
    ]
    scores = {c: round((result["categories"][c]["score"] or 0) * 100) for c in CATEGORIES}
    if flagged:
        print(f"    {name}: audits below 1: {', '.join(sorted(flagged))}", flush=True)
    return scores


def main() -> int:
    lighthouse = os.getenv("LIGHTHOUSE", "/tmp/lh/node_modules/.bin/lighthouse")
    if not Path(lighthouse).exists():
        print(f"Lighthouse not found at {lighthouse}: see this module's docstring.", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    database = BENCH_DIR / "lighthouse.sqlite3"
    env = {
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "lighthouse-only-not-secret-" + "x" * 40,
        "FIELD_ENCRYPTION_KEY": "YmVuY2gtb25seS1ub3Qtc2VjcmV0LWZpZWxkLWtleSE=",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "INTAKE_RATE_LIMIT": "100000",
        # Plain http on 127.0.0.1, as `make serve` explains; the pages themselves are sent as https.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
    }
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    import django

    django.setup()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    fresh_database(env["DATABASE_URL"])
    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    with Gunicorn(env, OUT / "gunicorn.log") as server:
        pages = patient_pages(server)
        rows = {}
        for name, (path, cookie) in pages.items():
            print(f"  lighthouse: {name} ({path}) ...", flush=True)
            rows[name] = score(lighthouse, f"http://127.0.0.1:{server.port}{path}", cookie, name)
    print()
    print(f"{'page (mobile)':<28}{'Performance':>12}{'Accessib.':>11}{'Best pr.':>10}{'SEO':>6}")
    for name, s in rows.items():
        print(
            f"{name:<28}" + "".join(f"{s[c]:>{w}}" for c, w in zip(CATEGORIES, (12, 11, 10, 6), strict=True))
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
