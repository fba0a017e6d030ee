"""Plain words, measured: each English page of the questionnaire reads at grade 6 or below, and a
patient reads at most 650 words from the first question to "Send" (issue 10), on the longest walk
(textstat 0.7.4, syllables by pyphen, offline). `pytest -s` prints the table of words and grades."""

from __future__ import annotations

import pytest
from django.test import Client

from screening.clinical.questions import QUESTIONS_BY_CODE
from screening.forms.steps import STEPS
from tests.support.readability import grade, pages_text, words

pytestmark = pytest.mark.django_db

GRADE_LIMIT = 6
WORDS_LIMIT = 650
# Every walk is the same pages; only the allergy page's hint changes, naming the planned medicine.
MEDICINES = [o.code for o in QUESTIONS_BY_CODE["prescribed_medication"].options]


@pytest.fixture
def pages(client: Client) -> dict[str, list[str]]:
    return pages_text(client)


def test_the_walk_reads_every_page_from_the_first_question_to_send(pages: dict[str, list[str]]) -> None:
    assert list(pages) == [s.slug for s in STEPS] + ["check"]
    assert all(pages.values())
    assert any("I agree the clinic keeps my answers" in line for line in pages["check"])


def test_every_english_page_reads_at_grade_six_or_below(pages: dict[str, list[str]]) -> None:
    grades = {slug: round(grade(lines), 1) for slug, lines in pages.items()}
    assert {slug: g for slug, g in grades.items() if g > GRADE_LIMIT} == {}


def test_every_walk_from_the_first_question_to_send_is_at_most_650_words(client: Client) -> None:
    totals = {}
    for medicine in MEDICINES:
        client.post("/intake/start-over/")
        pages = pages_text(client, answers={"prescribed_medication": medicine})
        totals[medicine] = sum(words(lines) for lines in pages.values())
        if medicine == "acetic_acid":  # the longest name, so the longest walk: the table printed
            print(f"\n{'page':<26}{'words':>6}{'FK grade':>10}")
            for slug, lines in pages.items():
                print(f"{slug:<26}{words(lines):>6}{grade(lines):>10.1f}")
            print(f"{'all pages':<26}{totals[medicine]:>6}")
    assert max(totals.values()) <= WORDS_LIMIT, totals


def test_a_long_hard_sentence_would_fail_the_grade() -> None:
    # The measure can fail: the old wording of the heart question, with its long polysyllables.
    hard = [
        "Do you have a heart rhythm problem (irregular heartbeat), other serious cardiovascular disease, "
        "or seizures (epilepsy)?"
    ]
    assert grade(hard) > GRADE_LIMIT
