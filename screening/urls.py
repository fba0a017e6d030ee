from __future__ import annotations

from django.urls import path

from screening import views

app_name = "screening"

urlpatterns = [
    path("", views.home, name="home"),
    path("intake/", views.intake, name="intake"),
    path("intake/result/", views.result, name="result"),
    path("intake/start-over/", views.start_over, name="start-over"),
    path("review/", views.review_queue, name="review-queue"),
    path("review/export.csv", views.review_export, name="review-export"),
    path("review/<uuid:code>/", views.review_detail, name="review-detail"),
    path("review/<uuid:code>/decide/", views.review_decide, name="review-decide"),
    path("review/<uuid:code>/erase/", views.review_erase, name="review-erase"),
]
