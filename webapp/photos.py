"""ID-card photos: checked, re-encoded as small JPEG files under instance/photos/<worker id>.jpg.

An upload is never stored as sent. Pillow reads it only after the size and the pixel count in
its header have been checked (a 100-kB PNG can claim 50,000 × 50,000 pixels and take gigabytes
to decode), refuses anything that is not really a JPEG or a PNG whatever its name says, and
writes a new 3:4 JPEG at card resolution. JPEG because the PDF embeds it as it is (PNG would be
decoded and re-compressed for every card of a 14,406-card batch: 1,000 cards took 42 s with
PNG photos against 14.6 s with JPEG files, and made a 57 MB PDF).
"""

from __future__ import annotations

import os
from io import BytesIO
from pathlib import Path
from typing import IO

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import Worker

MAX_BYTES = 5 * 1024 * 1024
# A 48-megapixel phone camera is 8000 × 6000; a decompression bomb claims far more.
MAX_PIXELS = 50_000_000
# 3:4 portrait, about 290 dpi on the card's 21 × 28 mm frame.
SIZE = (240, 320)
QUALITY = 85
FORMATS = {"JPEG", "PNG"}


class PhotoError(ValueError):
    """The upload cannot be used as a photo; the message says why, for the user."""


def photos_dir() -> Path:
    path = Path(current_app.instance_path) / "photos"
    path.mkdir(parents=True, exist_ok=True)
    return path


def photo_path(worker: Worker | int) -> Path:
    worker_id = worker if isinstance(worker, int) else worker.id
    return photos_dir() / f"{worker_id}.jpg"


def has_photo(worker: Worker) -> bool:
    return bool(worker.photo_version) and photo_path(worker).is_file()


def read_limited(stream: IO[bytes], limit: int = MAX_BYTES) -> bytes:
    """Read at most `limit` bytes; PhotoError if there is more."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise PhotoError(_l("The photo is larger than %(mb)d MB.", mb=limit // (1024 * 1024)))
    if not data:
        raise PhotoError(_l("Choose a photo to upload."))
    return data


def open_checked(data: bytes, min_size: tuple[int, int] = (60, 80)) -> Image.Image:
    """The upload as a loaded image, after the checks every photo passes (a real JPEG or PNG,
    not too many pixels, at least `min_size`); PhotoError if it is unusable."""
    try:
        # Pillow itself refuses only beyond twice its own limit (179 megapixels) and merely
        # warns below that; the check on the header's size below refuses far earlier.
        image = Image.open(BytesIO(data))
        if image.format not in FORMATS:
            raise PhotoError(_l("Only JPEG or PNG photos can be used."))
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise PhotoError(_too_many_pixels())
        if width < min_size[0] or height < min_size[1]:
            raise PhotoError(_l("The photo is too small to print (at least 60 × 80 pixels)."))
        if image.format == "JPEG":
            # Decode a large JPEG at 1/2, 1/4 or 1/8 scale straight away: faster and smaller.
            image.draft("RGB", (SIZE[0] * 2, SIZE[1] * 2))
        image.load()
    except PhotoError:
        raise
    except Image.DecompressionBombError as error:
        raise PhotoError(_too_many_pixels()) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise PhotoError(_l("This file is not a readable JPEG or PNG image.")) from error
    return _flatten(ImageOps.exif_transpose(image))


def to_card_jpeg(data: bytes) -> bytes:
    """The photo as a 240 × 320 JPEG, upright and cropped to 3:4; PhotoError if it is unusable."""
    image = open_checked(data)
    # Faces sit in the upper part of a portrait: crop a tall photo from nearer the top.
    image = ImageOps.fit(image, SIZE, Image.Resampling.LANCZOS, centering=(0.5, 0.3))
    out = BytesIO()
    image.save(out, "JPEG", quality=QUALITY, optimize=True)
    return out.getvalue()


def _too_many_pixels():
    return _l(
        "The photo has too many pixels (at most %(mp)d megapixels).", mp=MAX_PIXELS // 1_000_000
    )


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white: a transparent PNG would print with a black background."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def save_photo(worker: Worker, stream: IO[bytes]) -> None:
    """Check, convert and store an uploaded photo; the caller commits photo_version."""
    jpeg = to_card_jpeg(read_limited(stream))
    path = photo_path(worker)
    # Write then rename: a card being printed meanwhile reads the old photo or the new one.
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_bytes(jpeg)
    os.replace(temporary, path)
    worker.photo_version = (worker.photo_version or 0) + 1
