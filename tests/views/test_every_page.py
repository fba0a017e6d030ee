"""What holds for every URL: HEAD is answered wherever GET is, and every page has a description in its language."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from screening import services
from screening.models import Submission
from tests.support.patients import ZEBULON, zebulon_answers
from tests.support.urlwalk import all_urls, html_pages, page_clients

pytestmark = pytest.mark.django_db


@pytest.fixture
def submission() -> Submission:
    return services.submission_create(answers=zebulon_answers(), contact=ZEBULON)


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.descriptions: list[str] = []
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang") or ""
        if tag == "meta" and found.get("name") == "description":
            self.descriptions.append(found.get("content") or "")


def meta_of(html: str) -> _Meta:
    parser = _Meta()
    parser.feed(html)
    return parser


def test_head_is_answered_wherever_get_is(submission: Submission, clinic_admin: User) -> None:
    refused, answered = [], 0
    for who, client in page_clients(clinic_admin).items():
        for url in all_urls(submission):
            get = client.get(url)
            if get.status_code == 405:
                continue  # POST-only URLs (log out, decide, erase) answer neither
            head = client.head(url)
            answered += 1
            body = b"".join(head.streaming_content) if head.streaming else head.content
            # Django's admin login redirects a signed-in GET but shows its form to HEAD: not ours to change.
            same = head.status_code == get.status_code or url.startswith("/admin/")
            if head.status_code in (405, 500) or not same or body:
                refused.append(f"{who} {url}: GET {get.status_code}, HEAD {head.status_code}")
    assert refused == []
    assert answered > 60


def test_the_page_views_allow_head_in_their_405_answer(client: Client) -> None:
    # The 405 answer's Allow header tells a monitoring probe which methods it may send.
    response = client.put("/")
    assert response.status_code == 405
    assert set(re.split(r",\s*", response["Allow"])) == {"GET", "HEAD"}


# A word each description has in that language: the site's own pages, or the admin's.
WORDS = {"en": ("iontophoresis", "administration"), "es": ("iontoforesis", "administración")}


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_page_has_one_description_in_its_language(
    submission: Submission, clinic_admin: User, language: str
) -> None:
    missing, pages = [], set()
    for who, client in page_clients(clinic_admin).items():
        for url, response in html_pages(client, [*all_urls(submission), "/no-such-page/"], language):
            pages.add(url)
            meta = meta_of(response.content.decode())
            if len(meta.descriptions) != 1 or not meta.descriptions[0].strip():
                missing.append(f"{who} {url}: {meta.descriptions}")
            elif meta.lang != language or not any(w in meta.descriptions[0] for w in WORDS[language]):
                missing.append(f"{who} {url} (lang {meta.lang}): not in {language}: {meta.descriptions[0]}")
    assert missing == []
    assert {
        "/",
        "/intake/name/",
        "/accounts/login/",
        "/review/",
        f"/review/{submission.code}/",
        "/admin/",
    } <= pages


@pytest.mark.parametrize("template", ["400.html", "500.html", "503.html"])
@pytest.mark.parametrize(("language", "word"), [("en", "iontophoresis"), ("es", "iontoforesis")])
def test_error_pages_without_context_have_a_description_too(template: str, language: str, word: str) -> None:
    with translation.override(language):
        meta = meta_of(render_to_string(template, {"phone": "(555) 010-0000"}))
    assert len(meta.descriptions) == 1
    assert word in meta.descriptions[0]
    assert meta.lang == language


def test_the_description_names_the_clinic(client: Client) -> None:
    meta = meta_of(client.get("/").content.decode())
    assert meta.descriptions[0].startswith("Ionto Screen Physical Therapy: a few questions")
