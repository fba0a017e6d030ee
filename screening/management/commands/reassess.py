from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from screening import services
from screening.clinical import rules


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--since takes a date as YYYY-MM-DD, not {text!r}") from None


class Command(BaseCommand):
    help = (
        "Runs the current rules and settings over stored answers and reports how many outcomes would "
        "change, by rule. Changes nothing unless --apply is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", type=_date, help="Only submissions sent on or after this date.")
        parser.add_argument("--apply", action="store_true", help="Store the new outcomes and reasons.")
        parser.add_argument("--chunk-size", type=int, default=2000, help="Rows read per query.")

    def handle(self, *args: Any, since: date | None, apply: bool, chunk_size: int, **options: Any) -> None:
        report = services.submissions_reassess(since=since, apply=apply, chunk_size=chunk_size)
        out = self.stdout.write
        scope = f"sent on or after {since}" if since else "all"
        out(f"Rules {rules.RULES_VERSION}: checked {report.checked} submissions ({scope}).")
        out(f"Outcome would change: {report.outcomes_changed}")
        for (old, new), n in sorted(report.outcome_changes.items()):
            out(f"  {old} -> {new}: {n}")
        out(f"Reasons would change, outcome the same: {report.reasons_only_changed}")
        if report.unreadable:
            out(
                self.style.WARNING(
                    f"Could not assess (answers no longer fit the questions): {report.unreadable}"
                )
            )
        rule_codes = sorted(set(report.starts) | set(report.stops))
        if rule_codes:
            out(f"{'rule':<20} {'starts firing':>13} {'stops firing':>12} {'outcome changes':>15}")
            for code in rule_codes:
                changes = report.outcome_changes_by_rule[code]
                out(f"{code:<20} {report.starts[code]:>13} {report.stops[code]:>12} {changes:>15}")
        if apply:
            out(self.style.SUCCESS(f"Applied: {report.applied} submissions updated and logged."))
        elif report.outcomes_changed or report.reasons_only_changed:
            out("Nothing was changed. Run again with --apply to store these results.")
