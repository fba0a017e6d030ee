from __future__ import annotations

from django.urls import path

from screening.views import exports, patient, review

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
    path("review/<uuid:code>/summary.pdf", exports.review_summary_pdf, name="review-summary-pdf"),
    path("review/<uuid:code>/fhir.json", exports.review_fhir_bundle, name="review-fhir"),
]
