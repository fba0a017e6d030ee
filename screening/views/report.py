"""The rules report (issue 12): which rules therapists decide against, as a page, a CSV and the notes."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from clinic import policies
from screening import report, services
from screening.accounts.decorators import TherapistRequest, therapist_required
from screening.clinical import reasons
from screening.exports.csv import _safe_cell
from screening.forms.report import ReportRangeForm
from screening.models import AccessLog, Outcome

NOTES_PER_PAGE = 50
_RULE_CODE = re.compile(r"[A-Z0-9-]{1,40}")
CSV_HEADER = (
    "section",
    "key",
    "label",
    "week_starting",
    "screenings",
    "decided",
    "against_outcome",
    "override_rate_percent",
    "review_this_rule",
)


@therapist_required
@require_safe
def report_page(request: TherapistRequest) -> HttpResponse:
    form, figures = _figures(request)
    _log(request, AccessLog.Action.VIEW, "rules report", form)
    context: dict[str, object] = {"form": form, "report": figures, "outcomes": Outcome.choices}
    if figures:
        context |= {
            "rate_chart": report.rate_chart(figures),
            "week_chart": report.week_chart(figures),
            "range_query": _range_query(figures.start, figures.end),
        }
    return render(request, "screening/review/report.html", context, status=200 if figures else 400)


@therapist_required
@require_safe
def report_csv(request: TherapistRequest) -> HttpResponse:
    form, figures = _figures(request)
    if figures is None:  # the page says what is wrong with the dates
        _log(request, AccessLog.Action.VIEW, "rules report", form)
        return render(request, "screening/review/report.html", {"form": form, "report": None}, status=400)
    _log(request, AccessLog.Action.EXPORT, "rules report CSV", form)
    response = HttpResponse(_csv_text(figures), content_type="text/csv; charset=utf-8")
    name = f"rules-report-{figures.start:%Y-%m-%d}-to-{figures.end:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@therapist_required
@require_safe
def report_notes(request: TherapistRequest) -> HttpResponse:
    code = request.GET.get("rule", "")
    if code and not _RULE_CODE.fullmatch(code):
        raise Http404
    form = _range_form(request)
    date_range = form.date_range()
    page = None
    if date_range:
        start, end = date_range
        found = report.override_notes(start=start, end=end, code=code or None)
        page = Paginator(found, NOTES_PER_PAGE).get_page(request.GET.get("page"))
    detail = f"override notes rule={code or 'all'}" + (
        f" rows={len(page.object_list)}" if page is not None else ""
    )
    _log(request, AccessLog.Action.VIEW, detail, form)
    context = {
        "form": form,
        "page": page,
        "rule": reasons.reason_for(code) if code else None,
        "range": date_range,
        "page_query": urlencode({"rule": code, **_range_params(*date_range)}) if date_range else "",
    }
    return render(
        request, "screening/review/report_notes.html", context, status=200 if page is not None else 400
    )


def _range_params(start: date, end: date) -> dict[str, str]:
    return {"date_from": f"{start:%Y-%m-%d}", "date_to": f"{end:%Y-%m-%d}"}


def _range_query(start: date, end: date) -> str:
    """The range as a query string, for the CSV and the notes' links: dates only, never patient data."""
    return urlencode(_range_params(start, end))


def _range_form(request: TherapistRequest) -> ReportRangeForm:
    bound = any(name in request.GET for name in ReportRangeForm.base_fields)
    return ReportRangeForm(request.GET if bound else None, today=timezone.localdate())


def _figures(request: TherapistRequest) -> tuple[ReportRangeForm, report.RulesReport | None]:
    form = _range_form(request)
    date_range = form.date_range()
    if date_range is None:
        return form, None
    start, end = date_range
    figures = report.rules_report(
        start=start,
        end=end,
        threshold=settings.RULE_REVIEW_THRESHOLD,
        min_decisions=policies.RULE_REVIEW_MIN_DECISIONS,
    )
    return form, figures


def _log(request: TherapistRequest, action: AccessLog.Action, what: str, form: ReportRangeForm) -> None:
    # Dates and codes only: the report names no patient.
    date_range = form.date_range()
    span = f" {date_range[0]:%Y-%m-%d}..{date_range[1]:%Y-%m-%d}" if date_range else " (dates refused)"
    services.access_log_record(user=request.user, action=action, detail=what + span)


def _csv_text(figures: report.RulesReport) -> str:
    labels = dict(Outcome.choices)
    rows: list[tuple[object, ...]] = [CSV_HEADER]
    rows.append(
        ("total", "", "screenings", "", figures.screenings, figures.decided, figures.overrides, "", "")
    )
    for value, count in figures.outcomes.items():
        rows.append(("outcome", value, str(labels[value]), "", count, "", "", "", ""))
    for rule in figures.rules:
        percent = "" if rule.percent is None else rule.percent
        review = "yes" if rule.review else "no"
        rows.append(
            (
                "rule",
                rule.code,
                gettext(rule.headline),
                "",
                rule.fired,
                rule.decided,
                rule.overrides,
                percent,
                review,
            )
        )
    for week in figures.weeks:
        for value, count in week.counts.items():
            rows.append(("week", value, str(labels[value]), f"{week.start:%Y-%m-%d}", count, "", "", "", ""))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(tuple(_safe_cell(v) for v in row) for row in rows)
    return buffer.getvalue()
