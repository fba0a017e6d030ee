"""Every reason reads in words at the bedside (issue 12): a headline, a therapist text without the
source abbreviations of clinical.md §0, and sources that exist in the one table of clinical/sources.py."""

from __future__ import annotations

import re

import pytest

from screening.clinical import reasons, session_reasons, sources
from screening.clinical.reasons import Reason

ALL_REASONS: list[Reason] = [*reasons.REASONS.values(), *session_reasons.SESSION_REASONS.values()]
# A source key, or one of the notes' shorthands, standing as a word of its own ("CI in HIDX/SANO").
SHORTHANDS = {"CI", "W/P", "IFU", "IFUs", "PT"}
_ABBREVIATION = re.compile(
    r"(?<![\w-])("
    + "|".join(re.escape(k) for k in sorted({*sources.SOURCES, *SHORTHANDS}, key=len, reverse=True))
    + r")(?![\w-])"
)
THERAPIST_TEXTS = {
    **{r.code: r.therapist_text for r in ALL_REASONS},
    "likely suitable": reasons.LIKELY_SUITABLE_THERAPIST_TEXT,
    "go": session_reasons.GO_THERAPIST_TEXT,
    "retired": reasons.RETIRED_THERAPIST_TEXT,
}


@pytest.mark.parametrize("name", sorted(THERAPIST_TEXTS))
def test_no_therapist_text_carries_a_source_abbreviation(name: str) -> None:
    assert _ABBREVIATION.findall(THERAPIST_TEXTS[name]) == []


def test_the_check_finds_the_abbreviations_of_the_old_texts() -> None:
    old = (
        "Impaired sensation: CI in HIDX/SANO/FPNB, caution in DYNA/INTL. Contraindicated in all device IFUs."
    )
    assert _ABBREVIATION.findall(old) == ["CI", "HIDX", "SANO", "FPNB", "DYNA", "INTL", "IFUs"]


@pytest.mark.parametrize("reason", ALL_REASONS, ids=lambda r: r.code)
def test_every_reason_has_a_short_headline(reason: Reason) -> None:
    assert reason.headline.strip()
    assert len(reason.headline) <= 60, "a headline is read at a glance"
    assert not _ABBREVIATION.findall(reason.headline)
    assert not reason.headline.endswith(".")


@pytest.mark.parametrize("reason", ALL_REASONS, ids=lambda r: r.code)
def test_every_reason_names_only_known_sources_each_once(reason: Reason) -> None:
    assert set(reason.sources) <= set(sources.SOURCES), set(reason.sources) - set(sources.SOURCES)
    assert len(set(reason.sources)) == len(reason.sources)


def test_a_contraindication_always_names_its_sources() -> None:
    assert [r.code for r in ALL_REASONS if r.outcome is reasons.Outcome.NOT_SUITABLE and not r.sources] == []


def test_an_unknown_source_key_is_refused_by_name() -> None:
    with pytest.raises(KeyError, match="NOPE"):
        sources.sources_for(("CHAT", "NOPE"))


def test_every_source_has_a_title_and_an_https_or_http_address_or_none() -> None:
    for source in sources.SOURCES.values():
        assert source.title and source.weight
        assert all(re.match(r"https?://\S+$", url) for url in source.urls), source.key


def test_the_table_holds_the_whole_source_list_of_clinical_md() -> None:
    assert len(sources.SOURCES) == 51
    assert {"CHAT", "HIDX", "FPNB", "OLD80"} <= set(sources.SOURCES)
