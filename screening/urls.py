from __future__ import annotations

from django.urls import path

from screening import views

app_name = "screening"

urlpatterns = [
    path("", views.home, name="home"),
    path("intake/", views.intake, name="intake"),
    path("intake/result/", views.result, name="result"),
    path("intake/start-over/", views.start_over, name="start-over"),
]
