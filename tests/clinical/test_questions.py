"""questions.option_labels: the patient's wording for a stored answer, as the therapist's page shows it."""

from __future__ import annotations

from screening.clinical.questions import option_labels


def test_a_single_choice_reads_as_its_label() -> None:
    assert option_labels("pregnant", "unsure") == ["Not sure"]


def test_a_multi_select_reads_as_its_labels_in_stored_order() -> None:
    assert option_labels("skin_problem_at_site", ["open_wound", "none"]) == [
        "A cut, scrape, blister or open sore",
        "None, it looks normal",
    ]
    assert option_labels("skin_problem_at_site", ("none",)) == ["None, it looks normal"]


def test_an_unanswered_question_reads_as_nothing() -> None:
    assert option_labels("pregnant", None) == []
    assert option_labels("pregnant", "") == []
    assert option_labels("skin_problem_at_site", []) == []


def test_a_date_or_a_code_no_longer_offered_reads_as_stored() -> None:
    assert option_labels("date_of_birth", "1980-06-15") == ["1980-06-15"]
    assert option_labels("pregnant", "maybe") == ["maybe"]
    assert option_labels("skin_problem_at_site", ["bogus", "none"]) == ["bogus", "None, it looks normal"]
