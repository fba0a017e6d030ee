from __future__ import annotations

from django.urls import path

from screening.views import intake_steps, patient, review

app_name = "screening"

urlpatterns = [
    path("", patient.home, name="home"),
    path("intake/", patient.intake, name="intake"),
    path("intake/result/", patient.result, name="result"),
    path("intake/start-over/", patient.start_over, name="start-over"),
    path("review/", review.review_queue, name="review-queue"),
    path("review/export.csv", review.review_export, name="review-export"),
    path("review/<uuid:code>/", review.review_detail, name="review-detail"),
    path("review/<uuid:code>/decide/", review.review_decide, name="review-decide"),
    path("review/<uuid:code>/erase/", review.review_erase, name="review-erase"),
    # The questionnaire one page at a time (issue 10); after the fixed intake/ paths above.
    path("intake/finish/", patient.finish, name="intake-finish"),
    path("intake/all/", patient.intake_one_page, name="intake-one-page"),
    path("intake/check/", intake_steps.intake_check, name="intake-check"),
    path("intake/send/", intake_steps.intake_send, name="intake-send"),
    path("intake/<slug:slug>/", intake_steps.intake_step, name="intake-step"),
]
