"""The size of a picture file as it is shown, read from the file alone: the settings' logo
(config.py) and the content's images (images.py), a raster's or an SVG's."""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image as Pillow

ORIENTATION = 0x0112  # the EXIF tag
TURNED = (5, 6, 7, 8)  # orientations shown a quarter turn round: width and height swap

# An SVG's own size, in pixels or without a unit, and its viewBox
_SVG_TAG = re.compile(r"<svg\b[^>]*>", re.IGNORECASE)
_SVG_SIZE = re.compile(r"""\s(width|height)\s*=\s*["']\s*([\d.]+)\s*(?:px)?\s*["']""")
_SVG_VIEW_BOX = re.compile(r"""\sviewBox\s*=\s*["'][^"']*?([\d.]+)[\s,]+([\d.]+)\s*["']""")


def picture_size(path: Path) -> tuple[float, float] | None:
    """A picture's width and height: a raster's pixels (as shown, turned as its camera says),
    an SVG's own size or else its viewBox's. None when neither can be read."""
    if path.suffix.lower() == ".svg":
        return svg_size(path)
    try:
        with Pillow.open(path) as picture:
            width, height = upright_size(picture)
    except (OSError, Pillow.DecompressionBombError):
        return None
    return (width, height) if width and height else None


def upright_size(picture: Pillow.Image) -> tuple[int, int]:
    """An open picture's width and height as it is shown: turned as its camera says."""
    width, height = picture.size
    return (height, width) if picture.getexif().get(ORIENTATION) in TURNED else (width, height)


def svg_size(path: Path, view_box: bool = True) -> tuple[float, float] | None:
    """An SVG's own width and height, or else (`view_box`) its viewBox's; None when it says
    neither."""
    try:
        tag = _SVG_TAG.search(path.read_text("utf-8", errors="replace")[:8192])
    except OSError:
        return None
    if tag is None:
        return None
    sizes = dict(_SVG_SIZE.findall(tag.group()))
    box = _SVG_VIEW_BOX.search(tag.group())
    size = ((sizes["width"], sizes["height"]) if sizes.keys() == {"width", "height"}
            else box.groups() if box and view_box else None)
    try:
        width, height = (float(number) for number in size or ())
    except ValueError:  # '1.2.3', or nothing
        return None
    return (width, height) if 0 < width < 1e9 and 0 < height < 1e9 else None
