"""The app's URLs plus the bench's floor view; used only when BENCH_FLOOR_VIEW is set."""

from __future__ import annotations

from django.urls import path

from bench import floor
from clinic.urls import urlpatterns as app_urlpatterns

urlpatterns = [
    path("bench/floor/", floor.floor_form, name="bench-floor"),
    path("bench/floor/<uuid:code>/", floor.floor_note, name="bench-floor-note"),
    *app_urlpatterns,
]
