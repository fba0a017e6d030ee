from __future__ import annotations

from django.urls import path

from screening.views import (
    course,
    course_patient,
    exports,
    intake_steps,
    kiosk,
    patient,
    report,
    review,
    status,
)

app_name = "screening"

urlpatterns = [
    path("", patient.home, name="home"),
    path("intake/", patient.intake, name="intake"),
    path("intake/result/", patient.result, name="result"),
    path("intake/start-over/", patient.start_over, name="start-over"),
    path("review/", review.review_queue, name="review-queue"),
    path("review/export.csv", review.review_export, name="review-export"),
    path("review/report/", report.report_page, name="review-report"),
    path("review/report.csv", report.report_csv, name="review-report-csv"),
    path("review/report/notes/", report.report_notes, name="review-report-notes"),
    path("review/<uuid:code>/", review.review_detail, name="review-detail"),
    path("review/<uuid:code>/decide/", review.review_decide, name="review-decide"),
    path("review/<uuid:code>/erase/", review.review_erase, name="review-erase"),
    path("review/<uuid:code>/summary.pdf", exports.review_summary_pdf, name="review-summary-pdf"),
    path("review/<uuid:code>/fhir.json", exports.review_fhir_bundle, name="review-fhir"),
    # The questionnaire one page at a time (issue 10); after the fixed intake/ paths above.
    path("intake/finish/", patient.finish, name="intake-finish"),
    path("intake/all/", patient.intake_one_page, name="intake-one-page"),
    path("intake/check/", intake_steps.intake_check, name="intake-check"),
    path("intake/send/", intake_steps.intake_send, name="intake-send"),
    path("intake/<slug:slug>/", intake_steps.intake_step, name="intake-step"),
    # Status without an account, and the front-desk tablet (issue 10).
    path("status/", status.status, name="status"),
    path("status/result/", status.status_result, name="status-result"),
    path("kiosk/", kiosk.kiosk_start, name="kiosk"),
    path("kiosk/still-here/", kiosk.kiosk_alive, name="kiosk-alive"),
    path("kiosk/wipe/", kiosk.kiosk_wipe, name="kiosk-wipe"),
]

# The treatment course (issue 13): therapists' pages, then the patient's own check-in.
urlpatterns += [
    path("courses/", course.course_list, name="course-list"),
    path("courses/sessions.csv", course.course_sessions_export, name="course-sessions-export"),
    path("review/<uuid:code>/course/new/", course.course_open, name="course-open"),
    path("courses/<uuid:code>/", course.course_detail, name="course-detail"),
    path("courses/<uuid:code>/summary/", course.course_summary, name="course-summary"),
    path("courses/<uuid:code>/check-in/", course.course_check_in, name="course-check-in"),
    path("courses/<uuid:code>/check-in-link/", course.course_check_in_link, name="course-check-in-link"),
    path("courses/<uuid:code>/adverse-event/", course.course_adverse_event, name="course-adverse-event"),
    path("courses/<uuid:code>/close/", course.course_close, name="course-close"),
    path("courses/check-ins/<uuid:code>/session/", course.course_session, name="course-session"),
    path("courses/notes/<uuid:code>/", course.course_note, name="course-note"),
    path("courses/adverse-events/<uuid:code>/consult/", course.course_consult, name="course-consult"),
    path("check-in/", course_patient.check_in_start, name="check-in-start"),
    path("check-in/answers/", course_patient.check_in_answer, name="check-in-answer"),
    path("check-in/done/", course_patient.check_in_done, name="check-in-done"),
    path("check-in/<str:link_code>/", course_patient.check_in_start, name="check-in-link"),
]
