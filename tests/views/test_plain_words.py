"""Plain words, measured: each English page of the questionnaire reads at grade 6 or below, and its
length from the first question to "Send" does not grow (textstat 0.7.4, syllables by pyphen, offline)."""

from __future__ import annotations

import pytest
from django.test import Client

from screening.forms.steps import STEPS
from tests.support.readability import grade, pages_text, words

pytestmark = pytest.mark.django_db

GRADE_LIMIT = 6
# Issue 10 asks for at most 650 words; the wording reached 752 without dropping a clinical meaning
# (see the closing note of issue 10). This keeps it from growing until someone finds the rest.
WORDS_LIMIT = 760


@pytest.fixture
def pages(client: Client) -> dict[str, list[str]]:
    return pages_text(client)


def test_the_walk_reads_every_page_from_the_first_question_to_send(pages: dict[str, list[str]]) -> None:
    assert list(pages) == [s.slug for s in STEPS] + ["check"]
    assert all(pages.values())
    assert any("I agree that the clinic keeps my answers" in line for line in pages["check"])


def test_every_english_page_reads_at_grade_six_or_below(pages: dict[str, list[str]]) -> None:
    grades = {slug: round(grade(lines), 1) for slug, lines in pages.items()}
    assert {slug: g for slug, g in grades.items() if g > GRADE_LIMIT} == {}


def test_the_words_from_the_first_question_to_send_do_not_grow(pages: dict[str, list[str]]) -> None:
    assert sum(words(lines) for lines in pages.values()) <= WORDS_LIMIT


def test_a_long_hard_sentence_would_fail_the_grade() -> None:
    # The measure can fail: the old wording of the heart question, with its long polysyllables.
    hard = [
        "Do you have a heart rhythm problem (irregular heartbeat), other serious cardiovascular disease, "
        "or seizures (epilepsy)?"
    ]
    assert grade(hard) > GRADE_LIMIT
