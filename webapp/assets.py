"""Fingerprinted static files: every static URL carries a hash of the file's content.

A phone on a 2G signal should fetch app.css and htmx once, then never again until they change:
the URL changes with the content, so the response can be cached for a year as immutable.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, request


def init_app(app: Flask) -> None:
    hashes: dict[str, str] = {}
    static_folder = Path(app.static_folder or "static")

    def fingerprint(filename: str) -> str:
        if filename not in hashes or app.debug:
            path = static_folder / filename
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else ""
            hashes[filename] = digest
        return hashes[filename]

    @app.url_defaults
    def add_fingerprint(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            values["v"] = fingerprint(values["filename"])

    @app.after_request
    def cache_static(response: Response) -> Response:
        if request.endpoint == "static" and request.args.get("v"):
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = 365 * 24 * 3600
            response.cache_control.immutable = True
        return response
