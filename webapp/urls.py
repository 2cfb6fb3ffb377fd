"""Where the app may send a browser back to after a form: a path on this site, nothing else."""

from __future__ import annotations

from urllib.parse import urlsplit


def local_path(target: str | None, default: str) -> str:
    """`target` when it is a path on this site, else `default`.

    An open redirect would let a phishing link borrow the office's address ("sign in here",
    then off to a look-alike site). Browsers read a backslash as a slash and drop tabs and
    newlines, so "/\\evil.example" and "/\\t/evil.example" count as other sites too.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
