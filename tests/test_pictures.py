"""pictures.py: a picture's size as it is shown, from an SVG's own size or viewBox, or a
raster's pixels turned as its camera says; none, without a traceback, when it cannot be read."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulletin_gen.pictures import picture_size


@pytest.mark.parametrize(("text", "size"), [
    ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">', (120, 40)),
    ("<?xml version='1.0'?>\n<svg width='90px' height = '30px' viewBox='0 0 9 3'>", (90, 30)),
    ('<svg viewBox="0 0 240.5 80" xmlns="http://www.w3.org/2000/svg">', (240.5, 80)),
    ('<svg viewBox="0 0 0.4 0.2">', (0.4, 0.2)),  # the proportion, however small
    ('<svg width="1.2.3" height="4">', None),  # not a number: no size, no traceback
    ('<svg width="100%" height="100%" viewBox="-5,-5 60,20">', (60, 20)),  # no size of its own
    ('<svg width="10em" height="2em">', None),
    ("<html>not a picture</html>", None),
])
def test_a_logos_proportions_come_from_its_svg(tmp_path: Path, text: str,
                                               size: tuple[int, int] | None) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_text(text + "</svg>", "utf-8")
    assert picture_size(logo) == size


def test_a_raster_logo_is_measured_and_an_unreadable_one_is_not(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (30, 10)).save(tmp_path / "logo.png")
    turned = Image.new("RGB", (20, 10))
    exif = turned.getexif()
    exif[0x0112] = 6  # a quarter turn, as a phone writes it: shown 10 wide, 20 high
    turned.save(tmp_path / "turned.jpg", exif=exif)
    assert picture_size(tmp_path / "turned.jpg") == (10, 20)
    (tmp_path / "broken.png").write_bytes(b"not a png")
    assert picture_size(tmp_path / "logo.png") == (30, 10)
    assert picture_size(tmp_path / "broken.png") is None
    assert picture_size(tmp_path / "missing.svg") is None
