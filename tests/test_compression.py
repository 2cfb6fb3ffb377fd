"""Compression in the app: pages, CSS and JavaScript leave gzipped or in Brotli, the rest as is."""

from __future__ import annotations

import gzip

import brotli
import pytest
from flask import Response

from webapp.auth.guard import public

from .conftest import make_app

BROWSER = "gzip, deflate, br, zstd"  # what Chromium sends


def decode(response) -> bytes:
    data = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(data)
    if encoding == "gzip":
        return gzip.decompress(data)
    assert encoding is None, encoding
    return data


def static_url(app, filename: str) -> str:
    with app.test_request_context():
        return app.url_for("static", filename=filename)


def test_micro_grid_page_comes_in_brotli_to_a_browser_that_takes_it(client, login_as, tree):
    """A worker's phone asks with Chromium's header: the page comes in Brotli, less than half."""
    login_as(tree.worker_a)
    plain = client.get(f"/grids/{tree.micro_a.id}")
    response = client.get(f"/grids/{tree.micro_a.id}", headers={"Accept-Encoding": BROWSER})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert "HX-Request" in response.headers["Vary"]
    page = decode(response).decode()
    assert "<html" in page and f'id="h{tree.household_a.id}"' in page
    assert int(response.headers["Content-Length"]) == len(response.get_data())
    assert len(response.get_data()) * 2 < len(plain.get_data())


def test_page_comes_gzipped_to_a_client_without_brotli(client, login_as, tree):
    """A client that takes only gzip gets gzip; one that asks for nothing gets the page as is."""
    login_as(tree.worker_a)
    gzipped = client.get("/today/", headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["Content-Encoding"] == "gzip"
    assert b"<html" in decode(gzipped)
    plain = client.get("/today/")
    assert "Content-Encoding" not in plain.headers
    assert b"<html" in plain.get_data()


@pytest.mark.parametrize("filename", ["css/app.css", "vendor/htmx-2.0.11.min.js", "js/outbox.js"])
@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_static_files_come_compressed_and_keep_their_year_long_cache(app, filename, encoding):
    """CSS and JavaScript come in either encoding, whole, with a length, cached for a year."""
    client = app.test_client()
    url = static_url(app, filename)
    response = client.get(url, headers={"Accept-Encoding": encoding})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == encoding
    with open(f"{app.static_folder}/{filename}", "rb") as f:
        assert decode(response) == f.read()
    assert int(response.headers["Content-Length"]) == len(response.get_data())
    cache = response.headers["Cache-Control"]
    assert "max-age=31536000" in cache and "immutable" in cache
    assert response.headers["ETag"].endswith(f':{encoding}"')


def test_static_file_revalidates_with_its_compressed_etag(app):
    """The ETag of the Brotli copy answers 304; the plain copy keeps the file's own ETag."""
    client = app.test_client()
    url = static_url(app, "vendor/htmx-2.0.11.min.js")
    compressed = client.get(url, headers={"Accept-Encoding": "br"})
    again = client.get(
        url, headers={"Accept-Encoding": "br", "If-None-Match": compressed.headers["ETag"]}
    )
    assert again.status_code == 304
    assert again.get_data() == b""
    plain = client.get(url)
    assert plain.headers["ETag"] == compressed.headers["ETag"].replace(':br"', '"')
    assert client.get(url, headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304


def test_a_range_of_a_static_file_is_sent_as_stored(app):
    """A browser resuming a download gets the bytes it asked for, not compressed ones."""
    client = app.test_client()
    url = static_url(app, "vendor/htmx-2.0.11.min.js")
    response = client.get(url, headers={"Accept-Encoding": "br", "Range": "bytes=0-99"})
    assert response.status_code == 206
    assert "Content-Encoding" not in response.headers
    assert len(response.get_data()) == 100


def test_report_pdf_and_import_workbook_are_not_compressed_again(client, login_as, tree):
    """A PDF and an XLSX are compressed already: they go as they are, even to a browser."""
    login_as(tree.admin)
    pdf = client.get(f"/reports/{tree.grid_a.id}/pdf", headers={"Accept-Encoding": BROWSER})
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "Content-Encoding" not in pdf.headers
    assert pdf.get_data().startswith(b"%PDF")
    xlsx = client.get("/imports/template?kind=households", headers={"Accept-Encoding": BROWSER})
    assert xlsx.status_code == 200
    assert "Content-Encoding" not in xlsx.headers
    assert xlsx.get_data().startswith(b"PK")


def test_small_answers_go_as_they_are(client):
    """An answer of a few bytes (the health check) is not worth a compressed copy."""
    response = client.get("/healthz", headers={"Accept-Encoding": BROWSER})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert response.get_data() == b"ok"


@pytest.fixture(scope="module")
def image_app(db_url):
    """An app with a view that answers a photo, as the card photos do."""
    app = make_app(db_url)

    @public
    def photo():
        return Response(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40, mimetype="image/jpeg")

    app.add_url_rule("/photo.jpg", "photo", photo)
    return app


def test_photos_are_not_compressed(image_app):
    """A JPEG is compressed already: it goes as it is."""
    response = image_app.test_client().get("/photo.jpg", headers={"Accept-Encoding": BROWSER})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers


@pytest.fixture(scope="module")
def proxied_app(db_url):
    """An app behind a proxy that compresses: COMPRESS_RESPONSES is off."""
    return make_app(db_url, COMPRESS_RESPONSES=False)


def test_compression_off_sends_pages_and_static_files_as_they_are(proxied_app):
    """With COMPRESS_RESPONSES off the proxy gets every answer plain and compresses it itself."""
    client = proxied_app.test_client()
    for url in ("/login", static_url(proxied_app, "css/app.css")):
        response = client.get(url, headers={"Accept-Encoding": BROWSER})
        assert response.status_code == 200
        assert "Content-Encoding" not in response.headers
        assert "Accept-Encoding" not in response.headers.get("Vary", "")
    static = client.get(static_url(proxied_app, "css/app.css"))
    assert "immutable" in static.headers["Cache-Control"]
