"""Compressed answers without a proxy: gzip, and Brotli where the browser takes it.

`make run` and a single gunicorn send straight to the phones; on a 2G signal the micro-grid page
is a sixth of its size compressed and htmx a third. Flask-Compress does the work; this module
says what it may touch. A proxy that compresses itself (nginx's gzip) is told to by
COMPRESS_RESPONSES=0, and the app then sends every answer as it is.

Only text is compressed (pages, fragments, CSS, JavaScript, JSON): PDFs, workbooks, ZIPs and
photos are compressed already, and a second pass only costs time. Answers under
COMPRESS_MIN_SIZE (most htmx answers to a tap) go as they are: the header would eat the gain.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_compress import Compress

# What the browser is sent compressed; every other type (application/pdf, the XLSX type,
# application/zip, image/jpeg, text/csv downloads) is left alone.
MIMETYPES = (
    "text/html",
    "text/css",
    "text/plain",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "image/svg+xml",
)


def init_app(app: Flask) -> None:
    """Compress text answers unless COMPRESS_RESPONSES is off; call before other after_requests.

    Flask runs after_request functions last-registered first, so registering this one before
    assets' and headers' makes it run after them, on the answer as it leaves.
    """
    if not app.config["COMPRESS_RESPONSES"]:
        return
    app.config.setdefault("COMPRESS_MIMETYPES", list(MIMETYPES))
    # Brotli first: Chromium and every phone browser take it, and it is smaller than gzip at
    # the same cost. No zstd or deflate: gzip is what everything else understands.
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)
    app.config.setdefault("COMPRESS_LEVEL", 6)
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    # Registered by hand below, so that static files and ranges are prepared first.
    app.config["COMPRESS_REGISTER"] = False
    # One per app: Flask-Compress keeps the settings it read on the object.
    compress = Compress()
    compress.init_app(app)

    @app.after_request
    def compress_answer(response: Response) -> Response:
        # A range answers with bytes of the file as stored; compressing them would hand the
        # browser bytes it cannot place.
        if response.status_code == 206 or "Content-Range" in response.headers:
            return response
        if (
            request.endpoint == "static"
            and response.status_code == 200
            and response.mimetype in app.config["COMPRESS_MIMETYPES"]
        ):
            # A static file comes as a file stream, which Flask-Compress would compress chunk
            # by chunk without gzip and without a Content-Length. Our files are small (htmx is
            # the largest, 52 KB): read whole, they get either encoding, a length and a strong
            # ETag of their own ("…:br"), which If-None-Match then matches (304).
            response.direct_passthrough = False
            response.make_sequence()
        return compress.after_request(response)
