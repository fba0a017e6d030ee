"""`make bench`: the questionnaire as patients send it, one page at a time (issue 10).

A new visitor opens the start page, then each step: GET the page, POST its answers with the page's
CSRF token, and the server's redirect must name the next step (a refused page redirects to itself,
which counts as an error). Then "Check your answers" (GET), "Send" (POST with the consent and the
visit's form token) and the confirmation, which must say "sent" and show the reference.

The issue's target compares request rates: the step pages' requests per second against the floor's
(bench/floor.py, GET, POST, GET), at or above 0.81 of it. Kept apart from bench/run.py, which calls
`steps_flow()` and `print_steps_report()` only, so that the runner's seeding can change beside it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from screening.forms.steps import Step
    from tests.support.live import Gunicorn

START = "/"
CHECK = "/intake/check/"
SEND = "/intake/send/"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
TARGET = 0.81  # issue 10: the old intake's request rate relative to the floor's

FLOOR_REQUESTS = 3


def _steps() -> tuple[Step, ...]:
    # Imported when used: bench/run.py imports this module before it sets Django up.
    from screening.forms.steps import STEPS

    return STEPS


def requests_per_patient() -> int:
    """The start page, a GET and a POST per step, check, send and the confirmation."""
    return 1 + 2 * len(_steps()) + 3


def step_path(step: Step) -> str:
    return f"/intake/{step.slug}/"


def page_fields(step: Step, answers: Mapping[str, Any]) -> dict[str, str | list[str]]:
    """One page's POST from a full answer set: its own fields only, the date of birth in three boxes."""
    fields: dict[str, str | list[str]] = {}
    for name in step.fields:
        value = answers.get(name)
        if name == "date_of_birth":
            born = date.fromisoformat(str(value))
            fields.update(
                date_of_birth_day=str(born.day),
                date_of_birth_month=str(born.month),
                date_of_birth_year=str(born.year),
            )
        elif isinstance(value, list | tuple):
            fields[name] = [str(v) for v in value]
        elif value not in (None, ""):
            fields[name] = str(value)
    return fields


def _token(pattern: re.Pattern[str], text: str, where: str) -> str:
    found = pattern.search(text)
    if found is None:
        raise RuntimeError(f"{where}: no {pattern.pattern.split('=')[1]} token")
    return found.group(1)


def steps_flow(server: Gunicorn, answer_sets: list[dict[str, Any]]) -> Callable[[], None]:
    """A new patient walking every page to the confirmation; raises on any unexpected answer."""
    counter = iter(range(sys.maxsize))
    steps = _steps()

    def flow() -> None:
        browser = server.browser()
        answers = answer_sets[next(counter) % len(answer_sets)]
        if (start := browser.get(START)).status != 200:
            raise RuntimeError(f"GET {START}: {start.status}")
        for position, step in enumerate(steps):
            path = step_path(step)
            page = browser.get(path)
            if page.status != 200:
                raise RuntimeError(f"GET {path}: {page.status}")
            fields = {"csrfmiddlewaretoken": _token(CSRF, page.text, path), **page_fields(step, answers)}
            sent = browser.post(path, fields)
            following = step_path(steps[position + 1]) if position + 1 < len(steps) else CHECK
            if sent.status != 302 or not sent.headers["Location"].endswith(following):
                raise RuntimeError(f"POST {path}: {sent.status} to {sent.headers.get('Location')}")
        check = browser.get(CHECK)
        if check.status != 200 or "Check your answers" not in check.text:
            raise RuntimeError(f"GET {CHECK}: {check.status}")
        sent = browser.post(
            SEND,
            {
                "csrfmiddlewaretoken": _token(CSRF, check.text, CHECK),
                "form_token": _token(FORM_TOKEN, check.text, CHECK),
                "consent": "on",
            },
        )
        if sent.status != 302:
            raise RuntimeError(f"POST {SEND}: {sent.status}")
        note = browser.get(sent.headers["Location"])
        if (
            note.status != 200
            or b'data-testid="reference"' not in note.body
            or "Your answers have been sent" not in note.text
        ):
            raise RuntimeError(f"GET confirmation: {note.status}")

    return flow


def print_steps_report(per_second: Mapping[tuple[str, int], float], client_counts: tuple[int, ...]) -> None:
    """Patients and requests per second for the step flow, and its request rate against the floor's."""
    per_patient = requests_per_patient()
    print()
    print(
        f"step flow: {per_patient} requests per patient (start, GET + POST x {len(_steps())} "
        f"steps, check, send, confirmation); floor: {FLOOR_REQUESTS}"
    )
    print(f"{'':<34}{'clients':>8}{'patients/s':>12}{'requests/s':>12}")
    for clients in client_counts:
        floor, steps = per_second["floor", clients], per_second["steps", clients]
        print(f"{'minimal view (floor)':<34}{clients:>8}{floor:>12.1f}{floor * FLOOR_REQUESTS:>12.1f}")
        print(f"{'steps, one page at a time':<34}{clients:>8}{steps:>12.1f}{steps * per_patient:>12.1f}")
    for clients in client_counts:
        floor_rate = per_second["floor", clients] * FLOOR_REQUESTS
        ratio = per_second["steps", clients] * per_patient / floor_rate if floor_rate else 0.0
        verdict = "meets" if ratio >= TARGET else "BELOW"
        print(
            f"step pages / floor request rate, {clients:>2} clients: {ratio:5.2f}  "
            f"({verdict} the {TARGET} target)"
        )
