"""The rules report (issue 12): for a date range, how often each rule fired, how many of those
screenings a therapist decided, and how often the decision went against the automated outcome.

Every figure comes from a database aggregate (GROUP BY), never from a loop over rows, so the report
takes the same few queries at 100 submissions as at 100,000 (tests/report pins the count). A rule
fires once per submission at most, and `reason_codes` is a JSON list: the per-rule counts unnest it
with SQLite's json_each or PostgreSQL's jsonb_array_elements_text, in one query for every rule.

"Decided" counts only treatment decisions (`TREATMENT_CHOICES`), and "against the outcome" is the
latest decision's `is_override`, as the detail page badges it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import BooleanField, Case, Count, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone

from screening.clinical import reasons
from screening.models import Outcome, Submission
from screening.models.decision import OVERRIDES, TREATMENT_CHOICES

if TYPE_CHECKING:
    from screening.models import SubmissionQuerySet

DEFAULT_DAYS = 90

# The latest decision of a submission, as conditions on the submission's own rows.
DECIDED = Q(latest_decision__choice__in=sorted(TREATMENT_CHOICES))
OVERRIDDEN = Q()
for _choice, _outcome in sorted(OVERRIDES):
    OVERRIDDEN |= Q(latest_decision__choice=_choice, latest_decision__automated_outcome=_outcome)


@dataclass(frozen=True)
class RuleFigures:
    code: str
    headline: str  # untranslated: the template translates it
    outcome: str  # the outcome the rule gives unless a setting changes it
    fired: int
    decided: int
    overrides: int
    review: bool  # override rate above the threshold, with enough decisions to judge

    @property
    def rate(self) -> float | None:
        """Overrides per treatment decision, 0–1; None before any decision."""
        return self.overrides / self.decided if self.decided else None

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(self.rate * 100)


@dataclass(frozen=True)
class WeekFigures:
    start: date  # the Monday the week starts on
    counts: dict[str, int]  # outcome value -> screenings sent that week

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def in_order(self) -> list[int]:
        """The counts in the order of Outcome's choices, as the table's columns are."""
        return [self.counts[value] for value in Outcome.values]


@dataclass(frozen=True)
class RulesReport:
    start: date
    end: date  # inclusive
    screenings: int
    outcomes: dict[str, int]  # outcome value -> screenings, every outcome present
    decided: int
    overrides: int
    rules: list[RuleFigures]  # every rule the rules can give, in REASONS order, then retired codes
    weeks: list[WeekFigures]
    threshold: int  # per cent
    min_decisions: int

    @property
    def flagged(self) -> list[RuleFigures]:
        return [r for r in self.rules if r.review]

    @property
    def outcome_rows(self) -> list[tuple[str, str, int]]:
        """(value, label, screenings) in the order of Outcome's choices."""
        return [(value, label, self.outcomes[value]) for value, label in Outcome.choices]


def default_range(today: date | None = None) -> tuple[date, date]:
    """The last DEFAULT_DAYS days, today included."""
    today = today or timezone.localdate()
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def sent_between(start: date, end: date) -> SubmissionQuerySet:
    """Submissions sent from the start of `start` to the end of `end`, in the clinic's time zone."""
    since = timezone.make_aware(datetime.combine(start, time.min))
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    return Submission.objects.filter(created_at__gte=since, created_at__lt=until)


def rules_report(*, start: date, end: date, threshold: int, min_decisions: int) -> RulesReport:
    """The report's figures for submissions sent from `start` to `end` (both included): two queries."""
    outcomes = dict.fromkeys(Outcome.values, 0)
    decided = overrides = 0
    fired: dict[str, tuple[int, int, int]] = {}
    for code, outcome, n, d, o in _tallied(sent_between(start, end)):
        if code == _EVERY_ROW:
            outcomes[outcome] = n
            decided += d
            overrides += o
        else:
            f = fired.get(code, (0, 0, 0))
            fired[code] = (f[0] + n, f[1] + d, f[2] + o)
    codes = list(reasons.REASONS) + sorted(set(fired) - set(reasons.REASONS))
    rules = []
    for code in codes:
        reason = reasons.reason_for(code)
        n, d, o = fired.get(code, (0, 0, 0))
        review = d >= min_decisions and o * 100 > threshold * d
        rules.append(RuleFigures(code, reason.headline, reason.outcome.value, n, d, o, review))
    return RulesReport(
        start=start,
        end=end,
        screenings=sum(outcomes.values()),
        outcomes=outcomes,
        decided=decided,
        overrides=overrides,
        rules=rules,
        weeks=_weeks(start, end),
        threshold=threshold,
        min_decisions=min_decisions,
    )


# Added to every row's reason codes, so that one GROUP BY counts the rows of each outcome as well as
# each rule's: no rule code has a "*" (views/report.py's _RULE_CODE).
_EVERY_ROW = "*"


def _tallied(submissions: SubmissionQuerySet) -> list[tuple[str, str, int, int, int]]:
    """(code, outcome, screenings, decided, overridden) for every rule that fired and for _EVERY_ROW,
    in one pass over the range's rows and their latest decisions: its cost is the join, so it is
    made once (two such queries took 1.5 s of 90 days at 1,000,000 rows on PostgreSQL)."""
    flagged = (
        submissions.order_by()
        .annotate(
            is_decided=Case(When(DECIDED, then=Value(1)), default=Value(0), output_field=IntegerField()),
            is_override=Case(When(OVERRIDDEN, then=Value(1)), default=Value(0), output_field=IntegerField()),
        )
        .values("outcome", "reason_codes", "is_decided", "is_override")
    )
    inner, params = flagged.query.sql_with_params()
    if connection.vendor == "postgresql":
        codes = "jsonb_array_elements_text(s.reason_codes || jsonb_build_array(%s::text)) AS r(value)"
        unnest = f"CROSS JOIN LATERAL {codes}"
    else:
        unnest = "JOIN json_each(json_insert(s.reason_codes, '$[#]', %s)) AS r"
    # Only our own query's SQL and fixed clauses go into the text; every value is a parameter.
    select = "SELECT r.value, s.outcome, COUNT(*), SUM(s.is_decided), SUM(s.is_override)"
    sql = f"{select} FROM ({inner}) s {unnest} GROUP BY r.value, s.outcome"  # nosec B608 -- no value in it
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, _EVERY_ROW))
        return [(code, outcome, n, int(d or 0), int(o or 0)) for code, outcome, n, d, o in cursor.fetchall()]


def _weeks(start: date, end: date) -> list[WeekFigures]:
    """Every week of the range (Monday first), with its outcome mix; a week with none shows zeros.

    One count per week and outcome, glued by UNION ALL, each a range of the (outcome, created_at)
    index read without the table: truncating every row's time to its week runs a Python function
    per row on SQLite (1.2 s of a year's 3 s at 100,000 submissions), and one count per week
    grouped by outcome read every row's outcome from the table (480 ms of 90 days at 1,000,000
    on PostgreSQL, against 40 ms now).
    """
    mondays = []
    monday = start - timedelta(days=start.weekday())
    while monday <= end:
        mondays.append(monday)
        monday += timedelta(days=7)
    per_week = [
        sent_between(max(monday, start), min(monday + timedelta(days=6), end))
        .filter(outcome=outcome)
        .order_by()
        .annotate(week=Value(number, output_field=IntegerField()))
        .values("week", "outcome")
        .annotate(n=Count("id"))
        .values_list("week", "outcome", "n")
        for number, monday in enumerate(mondays)
        for outcome in Outcome.values
    ]
    counts = {monday: dict.fromkeys(Outcome.values, 0) for monday in mondays}
    rows = per_week[0].union(*per_week[1:], all=True) if len(per_week) > 1 else per_week[0]
    for number, outcome, n in rows:
        counts[mondays[number]][outcome] = n
    return [WeekFigures(monday, counts[monday]) for monday in mondays]


def override_notes(*, start: date, end: date, code: str | None = None) -> SubmissionQuerySet:
    """Submissions whose latest decision went against the outcome, newest first, with that decision.

    Only the reference, the decision and its note are for showing: the report names no patient.
    """
    found = sent_between(start, end).filter(OVERRIDDEN)
    if code:
        found = with_rule(found, code)
    return (
        found.select_related("latest_decision")
        .only(
            "code",
            "reference",
            "created_at",
            "outcome",
            "latest_decision__choice",
            "latest_decision__automated_outcome",
            "latest_decision__note",
            "latest_decision__created_at",
        )
        .order_by("-created_at", "-id")
    )


def with_rule(submissions: SubmissionQuerySet, code: str) -> SubmissionQuerySet:
    """The submissions among these for which the rule `code` fired."""
    if connection.vendor == "postgresql":
        return submissions.filter(reason_codes__contains=[code])
    table = Submission._meta.db_table
    # The table name is the model's own and the code a parameter.
    exists = f'EXISTS (SELECT 1 FROM json_each("{table}"."reason_codes") WHERE value = %s)'  # noqa: S608  # nosec B608
    fired = RawSQL(  # noqa: S611  # nosec B611 -- as above
        exists,
        (code,),
        output_field=BooleanField(),
    )
    return submissions.alias(fired=fired).filter(fired=True)


# ---------------------------------------------------------------- what the charts draw
# Inline SVG drawn on the server, sized in the SVG's own units: presentation attributes and classes
# only (the Content-Security-Policy allows no inline style), the figures in a table beside it.

CHART_WIDTH = 360
LABEL_WIDTH = 136  # the rule's code
BAR_WIDTH = 166  # 0 to 100 %
ROW_HEIGHT = 20
WEEK_CHART_HEIGHT = 150


@dataclass(frozen=True)
class RateBar:
    rule: RuleFigures
    y: int
    width: float  # 0 when no decision: the value text then says so


@dataclass(frozen=True)
class RateChart:
    bars: list[RateBar]
    height: int
    label_width: int
    bar_x_end: int
    threshold_x: float
    text_x: int


def rate_chart(figures: RulesReport) -> RateChart:
    bars = [
        RateBar(rule, y=i * ROW_HEIGHT, width=round((rule.rate or 0) * BAR_WIDTH, 1))
        for i, rule in enumerate(figures.rules)
    ]
    return RateChart(
        bars=bars,
        height=len(bars) * ROW_HEIGHT + 16,
        label_width=LABEL_WIDTH,
        bar_x_end=LABEL_WIDTH + BAR_WIDTH,
        threshold_x=LABEL_WIDTH + figures.threshold * BAR_WIDTH / 100,
        text_x=LABEL_WIDTH + BAR_WIDTH + 6,
    )


@dataclass(frozen=True)
class Segment:
    outcome: str
    y: float
    height: float


@dataclass(frozen=True)
class WeekColumn:
    week: WeekFigures
    x: float
    width: float
    segments: list[Segment]


@dataclass(frozen=True)
class WeekChart:
    columns: list[WeekColumn]
    most: int  # the tallest week's total, the top of the scale
    height: int
    plot_left: int
    baseline: int


# Stacked from the bottom: the most cautious outcome lowest, where the eye starts.
_STACK = (Outcome.NOT_SUITABLE.value, Outcome.NEEDS_REVIEW.value, Outcome.LIKELY_SUITABLE.value)


def week_chart(figures: RulesReport) -> WeekChart:
    plot_left, baseline = 34, WEEK_CHART_HEIGHT
    most = max((w.total for w in figures.weeks), default=0)
    step = (CHART_WIDTH - plot_left) / max(len(figures.weeks), 1)
    columns = []
    for i, week in enumerate(figures.weeks):
        top, segments = float(baseline), []
        for outcome in _STACK:
            height = round(week.counts[outcome] * (baseline - 10) / most, 1) if most else 0
            if height:
                top -= height
                segments.append(Segment(outcome, round(top, 1), height))
        columns.append(WeekColumn(week, round(plot_left + i * step + 1, 1), round(step - 2, 1), segments))
    return WeekChart(columns, most, baseline + 18, plot_left, baseline)
