"""Front-desk tablet mode: one tablet, handed from patient to patient, shows nothing of the last one.

On for every browser with KIOSK_MODE=true, or for one browser that opened /kiosk/ (a cookie that
lasts until the browser closes). It is a cookie of its own, not a session key, because the session
is exactly what a wipe throws away: the tablet stays in kiosk mode for the next patient.

In kiosk mode:
- the answers in progress expire after KIOSK_TIMINGS["server_idle"] without a page sent (an hour
  otherwise), and the session row with them, so the server forgets them even without JavaScript;
- mid-questionnaire, static/js/kiosk.js asks "Are you still there?" after KIOSK_TIMINGS["idle"]
  without a touch and, KIOSK_TIMINGS["grace"] later, wipes the visit (POST /kiosk/wipe/) and
  returns to the start page with location.replace;
- the confirmation is shown once (a reload or Back finds nothing) and returns to the start page
  by itself after KIOSK_TIMINGS["confirmation"] (a meta refresh, so without JavaScript too);
- the personal fields carry autocomplete="off" (outside kiosk mode they keep their autocomplete
  tokens, which help a patient on their own phone), and every page is sent with no-store.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest

COOKIE = "ionto_kiosk"
# An ordinary visit's answers in progress are forgotten after an hour without a page sent.
VISIT_IDLE_LIMIT = timedelta(hours=1)


def active(request: HttpRequest) -> bool:
    """True when this browser is a front-desk tablet: KIOSK_MODE, or it opened /kiosk/."""
    return settings.KIOSK_MODE or request.COOKIES.get(COOKIE) == "1"


def idle_limit(request: HttpRequest) -> timedelta:
    """How long answers in progress are kept without a page sent."""
    if active(request):
        return timedelta(seconds=settings.KIOSK_TIMINGS["server_idle"])
    return VISIT_IDLE_LIMIT
