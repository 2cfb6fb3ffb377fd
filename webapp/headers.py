"""Security headers on every answer, and no copy of personal data left in any cache.

One after_request sets them all, so a route added later is covered without anyone remembering
it. The values are worked out once at start; a response costs a few header updates.
"""

from __future__ import annotations

from flask import Flask, Response, request

# Everything comes from the app's own origin; nothing inline, nothing evaluated (htmx is told
# so in base.html's htmx-config), no plugins, no <base> to re-point relative links, forms post
# only here, and no other site may frame a page (clickjacking a one-tap visit).
# `data:` images: the favicon is `data:,`, which spares a phone on 2G a request per page.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# On every answer: no type guessing (a photo or a download is never run as a script or a
# page), and the address of a page (it may name a household) never leaves for another site.
EVERY_ANSWER = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
# On pages only. A PDF shown in Chrome's own viewer lives in a page that inherits the PDF's
# policy: `object-src 'none'` and the ban on inline styles would leave it blank.
# X-Frame-Options says what frame-ancestors says, for browsers that predate it.
PAGES = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
}
# Sent only where the deployment is HTTPS (SESSION_COOKIE_SECURE): an office that serves the
# app over plain http on its intranet must not have its browsers told to refuse http.
HSTS = "max-age=31536000; includeSubDomains"


def init_app(app: Flask) -> None:
    every_answer = dict(EVERY_ANSWER)
    if app.config["SESSION_COOKIE_SECURE"]:
        every_answer["Strict-Transport-Security"] = HSTS

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.update(every_answer)
        if response.mimetype == "text/html":
            headers.update(PAGES)
        if request.endpoint != "static":
            headers["Cache-Control"] = cache_control(headers.get("Cache-Control"))
        return response


def cache_control(current: str | None) -> str:
    """No-store, unless the view already forbade storing or chose a private cache.

    Nearly every answer names a household, a resident or a worker, and the sign-in page and
    error pages share the header; a cache that keeps them leaves personal data on a shared
    phone or in a proxy. A view that means its answer to be kept says so with `private` and
    its max-age (the card photo, whose URL changes with each new photo): the browser alone
    may keep it. Static files keep their one-year immutable cache (assets.py).
    """
    if current and ("no-store" in current or "private" in current):
        return current
    return "no-store"
