"""ID-card photos: what is accepted, how it is stored, and what is refused (with why)."""

from __future__ import annotations

import io
import struct
import subprocess
import zlib
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from webapp import photos
from webapp.clock import today
from webapp.extensions import db
from webapp.models import Card, Worker


def image_bytes(fmt: str, size=(600, 800), mode="RGB", color=(200, 120, 90), **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, fmt, **save)
    return out.getvalue()


def upload(client, worker_id: int, data: bytes, filename: str = "photo.jpg"):
    return client.post(
        f"/cards/workers/{worker_id}/photo",
        data={"photo": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def stored(app, worker_id: int) -> tuple[int, Image.Image | None]:
    with app.app_context():
        worker = db.session.get(Worker, worker_id)
        path = photos.photo_path(worker)
        image = Image.open(io.BytesIO(path.read_bytes())) if path.is_file() else None
        return worker.photo_version, image


@pytest.fixture(autouse=True)
def _no_photos_left(app):
    """Photos are files: each test starts without any."""
    yield
    with app.app_context():
        for path in photos.photos_dir().glob("*.jpg"):
            path.unlink()


def test_jpeg_is_stored_as_a_small_upright_3_by_4_jpeg(tree, login_as, app):
    """A big landscape JPEG comes out 240 × 320, JPEG, and the version counts up."""
    client = login_as(tree.supervisor_a)
    response = upload(client, tree.worker_a.id, image_bytes("JPEG", (4000, 3000)))
    assert response.status_code == 303
    version, image = stored(app, tree.worker_a.id)
    assert version == 1 and image.format == "JPEG" and image.size == (240, 320)
    upload(client, tree.worker_a.id, image_bytes("JPEG"))
    assert stored(app, tree.worker_a.id)[0] == 2


def test_transparent_png_becomes_a_jpeg_on_white(tree, login_as, app):
    """A PNG with transparency is flattened on white, not black."""
    client = login_as(tree.supervisor_a)
    png = image_bytes("PNG", mode="RGBA", color=(0, 0, 0, 0))
    assert upload(client, tree.worker_a.id, png, "me.png").status_code == 303
    _, image = stored(app, tree.worker_a.id)
    assert image.format == "JPEG" and image.mode == "RGB"
    assert min(image.getpixel((120, 160))) > 240


def test_exif_rotation_is_applied(tree, login_as, app):
    """A phone photo stored sideways with an EXIF orientation comes out upright."""
    client = login_as(tree.supervisor_a)
    sideways = Image.new("RGB", (800, 600), (30, 30, 30))
    sideways.paste((250, 250, 250), (0, 0, 400, 600))  # white on the left half
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    out = io.BytesIO()
    sideways.save(out, "JPEG", exif=exif)
    assert upload(client, tree.worker_a.id, out.getvalue()).status_code == 303
    _, image = stored(app, tree.worker_a.id)
    # Rotated clockwise, the white left half becomes the top half.
    assert image.getpixel((120, 40))[0] > 200 and image.getpixel((120, 280))[0] < 80


def test_a_text_file_named_jpg_is_refused(tree, login_as, app):
    """A file that is not an image, whatever its name, is refused with a message."""
    client = login_as(tree.supervisor_a)
    response = upload(client, tree.worker_a.id, b"not an image at all\n" * 50, "photo.jpg")
    assert response.status_code == 422
    assert "不是可读取的 JPEG 或 PNG 图片" in response.get_data(as_text=True)
    assert stored(app, tree.worker_a.id) == (0, None)


def test_other_image_formats_are_refused(tree, login_as, app):
    """A real GIF (or WebP, BMP…) is refused: only JPEG and PNG."""
    client = login_as(tree.supervisor_a)
    response = upload(client, tree.worker_a.id, image_bytes("GIF"), "photo.gif")
    assert response.status_code == 422
    assert "只能使用 JPEG 或 PNG" in response.get_data(as_text=True)


def test_a_20_mb_upload_is_refused_before_it_is_read(tree, login_as, app):
    """Over the request limit, the form comes back with the size limit in Chinese."""
    client = login_as(tree.supervisor_a)
    response = upload(client, tree.worker_a.id, b"\xff" * (20 * 1024 * 1024))
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "照片超过 5 MB" in page and 'enctype="multipart/form-data"' in page


def test_a_photo_over_5_mb_is_refused(tree, login_as, app):
    """Under the request limit but over the photo limit: the same message, 422."""
    client = login_as(tree.supervisor_a)
    response = upload(client, tree.worker_a.id, b"\xff" * (6 * 1024 * 1024))
    assert response.status_code == 422
    assert "照片超过 5 MB" in response.get_data(as_text=True)


def decompression_bomb(width: int = 40_000, height: int = 40_000) -> bytes:
    """A valid PNG of 1.6 gigapixels in a few kilobytes: it would take 1.6 GB to decode."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = b"\0" + b"\0" * width
    data = b"".join(compressor.compress(row) for _ in range(200)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("size", [(40_000, 40_000), (9_000, 9_000)])
def test_decompression_bomb_is_refused_without_decoding(tree, login_as, app, size):
    """A tiny PNG claiming a huge picture is refused from its header, in Chinese."""
    client = login_as(tree.supervisor_a)
    response = upload(client, tree.worker_a.id, decompression_bomb(*size), "bomb.png")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "像素过多" in page
    assert stored(app, tree.worker_a.id) == (0, None)


def test_no_file_is_a_message_not_an_error(tree, login_as):
    """Submitting the form without a file asks for one."""
    client = login_as(tree.supervisor_a)
    response = client.post(
        f"/cards/workers/{tree.worker_a.id}/photo", data={}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "请选择要上传的照片" in response.get_data(as_text=True)


def test_photo_is_served_to_managers_and_printed_on_the_card(tree, login_as, app, tmp_path):
    """The photo shows on the card page and is embedded in the card PDF as a JPEG."""
    client = login_as(tree.supervisor_a)
    upload(client, tree.worker_a.id, image_bytes("JPEG"))
    served = client.get(f"/cards/workers/{tree.worker_a.id}/photo.jpg?v=1")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert "private" in served.headers["Cache-Control"]
    client.post(
        f"/cards/workers/{tree.worker_a.id}/issue",
        data={"valid_until": (today() + timedelta(days=30)).isoformat()},
    )
    with app.app_context():
        card_id = db.session.scalar(select(Card.id).where(Card.worker_id == tree.worker_a.id))
    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(client.get(f"/cards/{card_id}.pdf").get_data())
    listing = subprocess.run(
        ["pdfimages", "-list", pdf], capture_output=True, text=True, check=True
    ).stdout
    # Columns: page num type width height color comp bpc enc …
    images = [line.split() for line in listing.splitlines()[2:]]
    assert ["240", "320", "rgb", "3", "8", "jpeg"] in [row[3:9] for row in images], listing
