"""Where the app may send a browser back to after a form: a path on this site, nothing else."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, request

from .converters import has_control_characters


def local_path(target: str | None, default: str) -> str:
    """`target` when it is a path on this site, else `default`.

    An open redirect would let a phishing link borrow the office's address ("sign in here",
    then off to a look-alike site). Browsers read a backslash as a slash and drop tabs and
    newlines, so "/\\evil.example" and "/\\t/evil.example" count as other sites too.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or has_control_characters(target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def next_path(default: str) -> str:
    """The request's `next` when it is a path on this site, else `default`; 400 when it holds
    a control character.

    No link of the app's own puts a line break in `next`: one that does was made to slip a
    header into the redirect (CR LF Set-Cookie), so it gets a refusal rather than the start
    page, which would look as if it had worked.
    """
    target = request.args.get("next")
    if target and has_control_characters(target):
        abort(400)
    return local_path(target, default)
