"""Answering htmx requests: the same route gives a full page or just its fragment."""

from __future__ import annotations

from flask import Response, make_response, redirect, render_template, request


def is_partial() -> bool:
    """An htmx request that wants a fragment.

    A boosted link wants the whole page, and so does the back button: htmx restores history
    by asking again with HX-History-Restore-Request when its cache has no copy.
    """
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and not headers.get("HX-Boosted")
        and headers.get("HX-History-Restore-Request") != "true"
    )


def render(page: str, fragment: str | None = None, /, status: int = 200, **context) -> Response:
    """Render the fragment for a partial request, else the full page that includes it."""
    template = fragment if fragment and is_partial() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def redirect_after_write(url: str) -> Response:
    """After a successful write: a plain redirect, or HX-Location for htmx (no reload)."""
    if request.headers.get("HX-Request") == "true":
        response = make_response("", 204)
        response.headers["HX-Location"] = url
        return response
    return redirect(url, code=303)
