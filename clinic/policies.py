"""The fixed security policies the settings name: nothing here depends on the environment."""

from __future__ import annotations

# Every powerful browser feature off: no page of ours uses one (SecurityHeadersMiddleware sends it).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}

# Content-Security-Policy (django-csp 4): our own files only, nothing inline, no other origin.
# data: images only because Bootstrap draws its check marks and select arrows as data: SVGs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}

# Front-desk tablet mode (screening/kiosk.py), in seconds: the confirmation returns to the start
# page after "confirmation"; mid-questionnaire, "Are you still there?" comes after "idle" without a
# touch and the answers go "grace" later; without JavaScript the server forgets them after
# "server_idle" without a page sent (the hour of an ordinary visit is far too long on a shared tablet).
KIOSK_TIMINGS = {"confirmation": 60, "idle": 3 * 60, "grace": 60, "server_idle": 4 * 60}

# The rules report flags a rule for review only once this many treatment decisions were made on it:
# three overrides of five say little (issue 12; the rate itself is RULE_REVIEW_THRESHOLD).
RULE_REVIEW_MIN_DECISIONS = 10
