"""The check-in rules against treatment-course.md §2. Pure Python: no database.

First every rule by hand, then hypothesis properties over check-ins generated from
CHECKIN_QUESTIONS and screening answers generated from QUESTIONS.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screening.clinical import rules, session_rules
from screening.clinical.questions import EXCLUSIVE_OPTIONS, QUESTIONS, Kind, Question
from screening.clinical.reasons import Outcome
from screening.clinical.session_reasons import SESSION_REASONS
from screening.clinical.session_rules import CHECKIN_QUESTIONS, CourseState, SessionOutcome
from tests.support.answers import CLEAR_ANSWERS, make_answers
from tests.support.checkins import CLEAR_CHECKIN, make_checkin
from tests.support.properties import PROPERTY

GO, CLEAR, STOP = SessionOutcome.GO, SessionOutcome.CLEAR_FIRST, SessionOutcome.DO_NOT_TREAT
TODAY = date(2026, 12, 1)
LATER = CourseState()


def check(
    checkin: dict[str, Any] | None = None,
    *,
    screening: dict[str, Any] | None = None,
    accepted: tuple[str, ...] = (),
    state: CourseState = LATER,
    config: rules.RulesConfig | None = None,
) -> session_rules.SessionAssessment:
    return session_rules.assess_checkin(
        screening if screening is not None else CLEAR_ANSWERS,
        checkin if checkin is not None else CLEAR_CHECKIN,
        accepted_codes=accepted,
        state=state,
        today=TODAY,
        config=config,
    )


def test_a_clear_check_in_after_clear_screening_is_go_with_no_reasons() -> None:
    result = check()
    assert (result.outcome, result.reasons, result.accepted) == (GO, (), ())
    assert result.rules_version == rules.RULES_VERSION
    assert result.session_rules_version == session_rules.SESSION_RULES_VERSION


SESSION_CASES = [
    ("CI-SESSION-BURN", STOP, {"after_last_session": ["burn"]}),
    ("CI-SESSION-BURN", STOP, {"after_last_session": ["blister"]}),
    ("NR-SESSION-SKIN-REACTION", CLEAR, {"after_last_session": ["redness_over_24h"]}),
    ("NR-SESSION-SKIN-REACTION", CLEAR, {"after_last_session": ["rash"]}),
    ("NR-SESSION-SKIN-REACTION", CLEAR, {"after_last_session": ["unsure"]}),
    ("CI-SKIN-TODAY", STOP, {"skin_today": "yes"}),
    ("NR-SESSION-UNSURE", CLEAR, {"skin_today": "unsure"}),
    ("NR-SESSION-FEELING", CLEAR, {"new_numbness": "yes"}),
    ("NR-SESSION-FEELING", CLEAR, {"new_numbness": "unsure"}),
    ("NS-PREGNANT", STOP, {"new_safety_change": ["pregnant"]}),
    ("NS-IMPLANT", STOP, {"new_safety_change": ["device"]}),
    ("NS-INFECTION", STOP, {"new_safety_change": ["infection"]}),
    ("NR-SESSION-UNSURE", CLEAR, {"new_safety_change": ["unsure"]}),
    ("NR-SESSION-MEDICINE", CLEAR, {"medicine_change": "yes"}),
    ("NR-SESSION-MEDICINE", CLEAR, {"medicine_change": "unsure"}),
    ("NR-SESSION-METAL", CLEAR, {"metal_on_site": "yes"}),
]


@pytest.mark.parametrize(("code", "outcome", "overrides"), SESSION_CASES, ids=[c[0] for c in SESSION_CASES])
def test_each_check_in_rule_fires_alone(
    code: str, outcome: SessionOutcome, overrides: dict[str, Any]
) -> None:
    result = check(make_checkin(**overrides))
    assert (result.outcome, result.reason_codes) == (outcome, (code,))


def test_every_session_reason_has_both_texts_and_a_matching_prefix() -> None:
    for code, reason in SESSION_REASONS.items():
        assert reason.patient_text and reason.therapist_text
        assert reason.outcome is (Outcome.NOT_SUITABLE if code.startswith("CI-") else Outcome.NEEDS_REVIEW)


def test_several_new_safety_changes_list_each_contraindication() -> None:
    result = check(make_checkin(new_safety_change=["pregnant", "device", "infection"]))
    assert result.outcome is STOP
    assert set(result.reason_codes) == {"NS-PREGNANT", "NS-IMPLANT", "NS-INFECTION"}


def test_pregnancy_follows_the_clinics_pregnancy_setting() -> None:
    config = rules.RulesConfig(pregnancy_outcome=Outcome.NEEDS_REVIEW)
    result = check(make_checkin(new_safety_change=["pregnant"]), config=config)
    assert (result.outcome, result.reason_codes) == (CLEAR, ("NS-PREGNANT",))


def test_a_precaution_accepted_at_booking_is_shown_but_gives_go() -> None:
    result = check(screening=make_answers(depth="unsure"), accepted=("NR-DEPTH",))
    assert (result.outcome, result.reason_codes, result.accepted_codes) == (GO, (), ("NR-DEPTH",))


def test_the_same_precaution_not_accepted_at_booking_needs_clearing() -> None:
    result = check(screening=make_answers(depth="unsure"))
    assert (result.outcome, result.reason_codes) == (CLEAR, ("NR-DEPTH",))


def test_a_contraindication_accepted_at_booking_never_gives_go() -> None:
    result = check(screening=make_answers(pregnant="yes"), accepted=("NS-PREGNANT",))
    assert (result.outcome, result.reason_codes, result.accepted_codes) == (
        CLEAR,
        ("NR-SESSION-ACCEPTED-CI",),
        ("NS-PREGNANT",),
    )


def test_a_new_contraindication_is_do_not_treat_whatever_was_accepted() -> None:
    screening = make_answers(depth="unsure", pregnant="unsure")
    result = check(
        make_checkin(new_safety_change=["pregnant"]), screening=screening, accepted=("NR-DEPTH", "NR-UNSURE")
    )
    assert (result.outcome, result.reason_codes, result.accepted_codes) == (
        STOP,
        ("NS-PREGNANT",),
        ("NR-DEPTH",),
    )


def test_a_burn_seen_by_a_physician_since_the_last_session_still_needs_clearing() -> None:
    state = CourseState(consulted_since_last_session=True)
    result = check(make_checkin(after_last_session=["blister"]), state=state)
    assert (result.outcome, result.reason_codes) == (CLEAR, ("NR-SESSION-BURN-SEEN",))


def test_a_suspended_course_is_do_not_treat_on_a_clear_check_in() -> None:
    result = check(state=CourseState(suspended=True))
    assert (result.outcome, result.reason_codes) == (STOP, ("CI-COURSE-SUSPENDED",))


def test_the_first_session_does_not_ask_about_a_last_session() -> None:
    checkin = make_checkin()
    del checkin["after_last_session"]
    assert check(checkin, state=CourseState(first_session=True)).outcome is GO


def test_the_first_session_ignores_an_answer_about_a_last_session() -> None:
    result = check(make_checkin(after_last_session=["burn"]), state=CourseState(first_session=True))
    assert result.outcome is GO


def test_an_unanswered_question_needs_clearing() -> None:
    checkin = make_checkin()
    del checkin["metal_on_site"]
    result = check(checkin)
    assert (result.outcome, result.reason_codes) == (CLEAR, ("NR-SESSION-MISSING",))


def test_do_not_treat_reasons_come_before_precautions() -> None:
    result = check(make_checkin(metal_on_site="yes", skin_today="yes"))
    assert result.reason_codes == ("CI-SKIN-TODAY", "NR-SESSION-METAL")


@pytest.mark.parametrize(
    ("checkin", "message"),
    [
        ({"pain": "yes"}, "unknown check-in question: pain"),
        ({"skin_today": "maybe"}, "unknown answer for skin_today: 'maybe'"),
        ({"after_last_session": "burn"}, "after_last_session does not take 'burn'"),
        ({"skin_today": ["yes"]}, "skin_today does not take ['yes']"),
        ({"after_last_session": ["none", "burn"]}, "after_last_session: none excludes every other answer"),
    ],
)
def test_an_unknown_or_malformed_answer_is_refused_naming_the_question(
    checkin: dict[str, Any], message: str
) -> None:
    # The message is what a developer reads when a form and the rules drift apart: it names both.
    with pytest.raises(ValueError) as refused:
        check({**CLEAR_CHECKIN, **checkin})
    assert str(refused.value) == message


def test_a_check_in_without_safety_changes_leaves_the_screening_answers_as_they_were() -> None:
    screening = dict(CLEAR_ANSWERS)
    assert session_rules.applied_answers(screening, {}) == screening


def test_session_reason_for_finds_session_screening_and_retired_codes() -> None:
    assert session_rules.session_reason_for("CI-SKIN-TODAY") is SESSION_REASONS["CI-SKIN-TODAY"]
    assert session_rules.session_reason_for("NS-IMPLANT").code == "NS-IMPLANT"
    assert session_rules.session_reason_for("XX-GONE").outcome is Outcome.NEEDS_REVIEW


# Properties over generated check-ins and screening answers.


def _answer(q: Question) -> st.SearchStrategy[Any]:
    codes = sorted(q.option_codes)
    if q.kind is Kind.SINGLE:
        return st.one_of(st.just(""), st.sampled_from(codes))
    plain = [c for c in codes if c not in EXCLUSIVE_OPTIONS]
    return st.one_of(
        st.sampled_from([[c] for c in codes if c in EXCLUSIVE_OPTIONS] + [[]]),
        st.lists(st.sampled_from(plain), min_size=1, unique=True),
    )


checkins = st.fixed_dictionaries({q.code: _answer(q) for q in CHECKIN_QUESTIONS})
screenings = st.fixed_dictionaries(
    {q.code: st.just("1970-01-01") if q.kind is Kind.DATE else _answer(q) for q in QUESTIONS}
)
states = st.builds(
    CourseState,
    first_session=st.booleans(),
    suspended=st.booleans(),
    consulted_since_last_session=st.booleans(),
)


def _booked(screening: dict[str, Any]) -> tuple[str, ...]:
    # What the therapist saw, and accepted, when booking: the screening's reasons on that day.
    return rules.assess(screening, today=TODAY).reason_codes


@PROPERTY
@given(checkins, screenings, states)
def test_a_burn_or_blister_after_the_last_session_never_gives_go(
    checkin: dict[str, Any], screening: dict[str, Any], state: CourseState
) -> None:
    checkin["after_last_session"] = sorted({*checkin["after_last_session"], "burn"} - EXCLUSIVE_OPTIONS)
    result = check(checkin, screening=screening, accepted=_booked(screening), state=state)
    assert state.first_session or result.outcome is not GO


@PROPERTY
@given(
    checkins,
    screenings,
    states,
    st.sampled_from([q for q in CHECKIN_QUESTIONS if "unsure" in q.option_codes]),
)
def test_an_unsure_answer_never_improves_on_no_none_or_unanswered(
    checkin: dict[str, Any], screening: dict[str, Any], state: CourseState, question: Question
) -> None:
    if checkin[question.code] not in ("no", "", ["none"], []):
        checkin[question.code] = ["none"] if question.kind is Kind.MULTI else "no"
    before = check(checkin, screening=screening, accepted=_booked(screening), state=state)
    checkin[question.code] = ["unsure"] if question.kind is Kind.MULTI else "unsure"
    after = check(checkin, screening=screening, accepted=_booked(screening), state=state)
    assert after.outcome.rank >= before.outcome.rank


@PROPERTY
@given(checkins, screenings, states)
def test_a_new_contraindication_is_always_do_not_treat(
    checkin: dict[str, Any], screening: dict[str, Any], state: CourseState
) -> None:
    checkin["skin_today"] = "yes"
    assert check(checkin, screening=screening, accepted=_booked(screening), state=state).outcome is STOP


@PROPERTY
@given(checkins, screenings, states)
def test_a_suspended_course_is_always_do_not_treat(
    checkin: dict[str, Any], screening: dict[str, Any], state: CourseState
) -> None:
    state = CourseState(first_session=state.first_session, suspended=True)
    assert check(checkin, screening=screening, accepted=_booked(screening), state=state).outcome is STOP


@PROPERTY
@given(checkins, screenings, states)
def test_every_outcome_is_the_most_cautious_of_its_listed_reasons(
    checkin: dict[str, Any], screening: dict[str, Any], state: CourseState
) -> None:
    result = check(checkin, screening=screening, accepted=_booked(screening), state=state)
    ranks = [session_rules.session_outcome(r.outcome).rank for r in result.reasons]
    assert result.outcome.rank == max(ranks, default=GO.rank)
    assert (result.outcome is GO) == (not result.reasons)


@PROPERTY
@given(screenings)
def test_a_clear_check_in_after_booking_is_go_unless_a_contraindication_was_booked_over(
    screening: dict[str, Any],
) -> None:
    result = check(screening=screening, accepted=_booked(screening))
    booked_over = any(r.outcome is Outcome.NOT_SUITABLE for r in result.accepted)
    assert result.outcome is (CLEAR if booked_over else GO)


@PROPERTY
@given(checkins, screenings, states)
def test_accepting_the_booked_reasons_never_makes_a_session_more_cautious_than_not(
    checkin: dict[str, Any], screening: dict[str, Any], state: CourseState
) -> None:
    accepted = check(checkin, screening=screening, accepted=_booked(screening), state=state)
    unaccepted = check(checkin, screening=screening, state=state)
    assert accepted.outcome.rank <= unaccepted.outcome.rank
    # ... and only a contraindication booked over keeps it from "go" on its own.
    assert set(accepted.reason_codes) <= set(unaccepted.reason_codes) | {"NR-SESSION-ACCEPTED-CI"}
