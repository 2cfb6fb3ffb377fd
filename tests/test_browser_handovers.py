# ruff: noqa: F811  (the checkpoint fixture imported from test_browser_checkpoints is a parameter here)
"""The handover form's "扫码" on a 360 × 740 phone in Debian's Chromium: hidden where the
browser cannot decode QR codes; where it can, a photo of the stairwell poster fills the
destination with the poster's URL, which hands the arrival to that micro-grid."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Handover

from . import test_browser as browser
from .test_browser_checkpoints import checkpoint  # noqa: F401
from .test_browser_offline import field_phone

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser
chromium = browser.chromium
live_server = browser.live_server
shoot = browser.shoot

# A 1×1 PNG: the stand-in detector below reads the poster's URL from any image.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
# Debian's Chromium has no BarcodeDetector (Android's and macOS's Chrome do): a stand-in that
# reads the poster of micro-grid MB, and no camera, so the photo path is taken.
DETECTOR = """
window.BarcodeDetector = class {
  constructor(options) { this.options = options; }
  detect(source) { return Promise.resolve([{ rawValue: location.origin + "/r/MB" }]); }
};
Object.defineProperty(navigator, "mediaDevices", { value: undefined });
"""


def test_without_a_qr_decoder_the_scan_button_stays_hidden(
    chromium,
    live_server,
    tree,
    checkpoint,
):
    context, page, errors = field_phone(chromium, live_server, tree.worker_a)
    page.goto(f"/checkpoints/{checkpoint}/handover")
    expect(page.locator("[data-scan]")).to_be_hidden()
    context.close()
    assert errors == []


def test_a_photo_of_the_stairwell_qr_fills_the_destination(
    chromium,
    live_server,
    tree,
    app,
    shoot,
    checkpoint,
    tmp_path,
):
    context, page, errors = field_phone(chromium, live_server, tree.worker_a)
    page.add_init_script(DETECTOR)
    page.goto(f"/checkpoints/{checkpoint}/handover")
    button = page.get_by_role("button", name="扫码")
    expect(button).to_be_visible()
    photo = tmp_path / "poster.png"
    photo.write_bytes(PIXEL)
    with page.expect_file_chooser() as chooser:
        button.click()
    chooser.value.set_files(str(photo))
    expect(page.locator("#destination")).to_have_value(f"{live_server}/r/MB")
    expect(page.locator("[data-scan] [role=status]")).to_contain_text("已扫码")
    shoot(page, "handover-scanned")
    page.fill("#name", "孙返乡")
    page.fill("#id_number", "330702199203031236")
    page.fill("#phone", "13700002222")
    page.fill("#origin", "温州")
    page.fill("#address", "9幢2单元303室")
    page.get_by_role("button", name="交接").click()
    expect(page.locator(".flash")).to_contain_text("孙返乡")
    with app.app_context():
        assert db.session.scalars(select(Handover.grid_id)).one() == tree.micro_b.id
    context.close()
    assert errors == []
