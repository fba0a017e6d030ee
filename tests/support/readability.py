"""What a patient reads on each page of the questionnaire, as plain text, for the readability tests.

The patient text of a page is what its form asks: the questions, hints and answers (and on "Check
your answers" the consent and "Send"), each read as its own sentence, as it stands on its own
line. Navigation every page shares ("Back", "Step 3 of 17", "Continue") is left out of both the
grade and the words.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import textstat
from django.test import Client

from screening.forms.steps import STEPS
from tests.support.steps import CHECK, page_data, step_url

# Elements whose text is one line a patient reads; anything inside these is navigation or hidden.
_LINES = {"h1", "legend", "label", "p", "dt", "li"}
_SKIPPED = {"button", "script", "style"}


class _Lines(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self._inside = 0  # depth inside the form being read
        self._skip = 0
        self._hidden = 0
        self._current: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form" and found.get("id") in ("intake-form", "send-form"):
            self._inside += 1
        if tag in _SKIPPED:
            self._skip += 1
        if tag == "span" and "visually-hidden" in (found.get("class") or "").split():
            self._hidden += 1
        if tag in _LINES:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _LINES:
            self._flush()
        if tag in _SKIPPED:
            self._skip -= 1
        if tag == "span" and self._hidden:
            self._hidden -= 1
        if tag == "form" and self._inside:
            self._flush()
            self._inside -= 1

    def handle_data(self, data: str) -> None:
        if self._inside and not self._skip and not self._hidden:
            self._current.append(data)

    def _flush(self) -> None:
        line = " ".join(" ".join(self._current).split())
        if line:
            self.lines.append(line)
        self._current = []


def patient_lines(html: str) -> list[str]:
    """The lines of the questionnaire's own forms on a page, in page order."""
    parser = _Lines()
    parser.feed(html)
    return parser.lines


def as_sentences(lines: list[str]) -> str:
    """The lines as one text, each line its own sentence (an answer is read on its own)."""
    return " ".join(line if re.search(r"[.?!:]$", line) else f"{line}." for line in lines)


def words(lines: list[str]) -> int:
    return textstat.lexicon_count(" ".join(lines), removepunct=True)


def grade(lines: list[str]) -> float:
    return textstat.flesch_kincaid_grade(as_sentences(lines))


def pages_text(
    client: Client, language: str = "en", answers: dict[str, Any] | None = None
) -> dict[str, list[str]]:
    """Every page from the first question to "Send", walked with these (default: clear) answers."""
    headers = {"accept-language": language}
    pages: dict[str, list[str]] = {}
    for step in STEPS:
        pages[step.slug] = patient_lines(client.get(step_url(step.slug), headers=headers).content.decode())
        client.post(step_url(step.slug), page_data(step, answers), headers=headers)
    check = client.get(CHECK, headers=headers).content.decode()
    # Of "Check your answers", only what is new: the consent; the answers above it were read already.
    pages["check"] = patient_lines(check)
    return pages
