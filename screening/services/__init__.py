"""Every write goes through here: keyword-only, typed, atomic (STYLE.md 2.2).

One module per concern; the public functions are re-exported, so `services.submission_create`
and `grep submission_` find every write wherever it lives.
"""

from __future__ import annotations

from screening.services.alerts import (
    review_alert_note,
    review_alert_send,
    review_digest_counts,
    review_digest_send,
)
from screening.services.audit import ADDRESS_ACTIONS, access_log_record, account_event_record
from screening.services.check_in_links import check_in_link_create, check_in_link_find, check_in_link_live
from screening.services.courses import (
    adverse_event_record,
    amendment_add,
    check_in_record,
    course_close,
    course_open,
    course_state,
    physician_consult_record,
    session_note_save,
)
from screening.services.decisions import DecisionConflict, decision_build, decision_record
from screening.services.reassess import Reassessment, submissions_reassess
from screening.services.retention import (
    PURGE_USERNAME,
    AccessLogTrim,
    Purge,
    access_log_trim,
    submission_erase,
    submissions_purge,
)
from screening.services.submissions import (
    Contact,
    rules_config,
    submission_build,
    submission_create,
    submission_create_or_replay,
    submissions_bulk_create,
    submissions_store_many,
)
from screening.services.therapists import therapist_credentials_set

__all__ = [
    "ADDRESS_ACTIONS",
    "PURGE_USERNAME",
    "AccessLogTrim",
    "Contact",
    "DecisionConflict",
    "Purge",
    "Reassessment",
    "access_log_record",
    "access_log_trim",
    "account_event_record",
    "adverse_event_record",
    "amendment_add",
    "check_in_link_create",
    "check_in_link_find",
    "check_in_link_live",
    "check_in_record",
    "course_close",
    "course_open",
    "course_state",
    "decision_build",
    "decision_record",
    "physician_consult_record",
    "review_alert_note",
    "review_alert_send",
    "review_digest_counts",
    "review_digest_send",
    "rules_config",
    "session_note_save",
    "submission_build",
    "submission_create",
    "submission_create_or_replay",
    "submission_erase",
    "submissions_bulk_create",
    "submissions_purge",
    "submissions_reassess",
    "submissions_store_many",
    "therapist_credentials_set",
]
