"""Images: the size of every `image:` of the site, and the copies readers get (Pillow).

`measure_images` gives each item's and issue's image its size, read from its file with the EXIF
orientation applied. It runs on every build, after loading: a picture replaced by another of
other dimensions leaves its item file as it was. `image_files` makes the copies, of the
`image:`s and of the pictures the texts place alike: the widths of `Image.widths` for screens,
the email's and the print edition's (model.py). Each copy is upright and carries no metadata
(no camera, no place), and the same picture gives the same bytes. An original that carries
metadata is published the same way, in its place, so that a photo's location never reaches
the site.
"""

from __future__ import annotations

import functools
import hashlib
import io
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import PIL
from PIL import Image as Pillow
from PIL import ImageOps

from .errors import Location, Problems
from .filestamp import file_version
from .links import files_named
from .model import EMAIL_WIDTH, PRINT_WIDTH, Entry, Image, Issue, Item, Site, TermIndex
from .pictures import svg_size, upright_size
from .write import MadeFolder

# The formats copies are made of, each saved in its own format with these options.
FORMATS: dict[str, dict[str, Any]] = {"JPEG": {"quality": 85, "optimize": True},
                                      "PNG": {"optimize": True},
                                      "WEBP": {"quality": 85, "method": 4}}
Size = tuple[int, int, bool]  # width, height, and whether copies are made (`Image.scaled`)
LARGE = 5_000_000  # bytes: an original above this is worth shrinking before it is published


def measure_images(site: Site, problems: Problems) -> Site:
    """The site with the size of every image of its own, `image:`s and the pictures its texts
    place (`Issue.pictures`); warnings for images too large to publish as they are, or that
    cannot be read. Only the issues, items and tag and region entries that hold a measured
    image are made anew; the rest stay the objects they were."""
    sources = _sources(site)
    sizes: dict[str, Size] = {}
    issues = []
    renewed: dict[int, Issue | Item] = {}  # by the identity of the object it replaces
    for issue in site.issues:
        items = tuple(_with_image(item, _measured(item.image, item.source, sources, sizes,
                                                  problems), renewed) for item in issue.items)
        image = _measured(issue.image, issue.source, sources, sizes, problems)
        pictures = _text_pictures(issue, sizes, sources)
        if image is issue.image and not pictures and all(
                new is old for new, old in zip(items, issue.items, strict=True)):
            issues.append(issue)
            continue
        renewed[id(issue)] = new_issue = replace(issue, image=image, items=items,
                                                 pictures=pictures)
        issues.append(new_issue)
    if not renewed:
        return site
    return replace(site, issues=tuple(issues), tags=_terms(site.tags, renewed),
                   regions=_terms(site.regions, renewed))


def _text_pictures(issue: Issue, sizes: dict[str, Size],
                   sources: dict[str, Path]) -> tuple[Image, ...]:
    """The pictures of the site's issues' folders (`sources`) that the issue's texts name,
    measured: its own, and another issue's. A picture that cannot be read is not warned of
    here: loading warned of it where the text names it."""
    if not sources:  # a site without files of its issues' own reads no text for them
        return ()
    named = sorted({url for _, fragment in issue.fragments() for url in files_named(fragment)
                    if url in sources})
    found = []
    for url in named:
        width, height, scaled = _known_size(sources[url], url, issue.source, sizes, Problems())
        if width:
            found.append(Image(url, "", width, height, scaled))
    return tuple(found)


def _with_image(item: Item, image: Image | None, renewed: dict[int, Issue | Item]) -> Item:
    if image is item.image:
        return item
    renewed[id(item)] = new = replace(item, image=image)
    return new


def _sources(site: Site) -> dict[str, Path]:
    return {asset.url: asset.source for issue in site.issues for asset in issue.assets}


def _measured(image: Image | None, owner: str, sources: dict[str, Path],
              sizes: dict[str, Size], problems: Problems) -> Image | None:
    if image is None or image.url not in sources:
        return image  # none, or on another site
    width, height, scaled = _known_size(sources[image.url], image.url, owner, sizes, problems)
    return replace(image, width=width, height=height, scaled=scaled) if width else image


def _known_size(source: Path, url: str, owner: str, sizes: dict[str, Size],
                problems: Problems) -> Size:
    """`_size`, once a build for each file (`sizes`, by URL)."""
    if url not in sizes:
        sizes[url] = _size(source, url, owner, problems)
    return sizes[url]


def _size(source: Path, url: str, owner: str, problems: Problems) -> Size:
    """Width and height upright, and whether copies are made of it; (0, 0, False) for a file
    that cannot be measured."""
    where = Location(owner)
    if source.suffix.lower() == ".svg":  # sized only when it says its size: else it fills
        own = svg_size(source, view_box=False)
        return (round(own[0]), round(own[1]), False) if own else (0, 0, False)
    try:
        with Pillow.open(source) as picture:
            width, height = upright_size(picture)
            if picture.format not in FORMATS or getattr(picture, "is_animated", False):
                return width, height, False
    except (OSError, ValueError, Pillow.DecompressionBombError):
        problems.warn(where, f"image: '{url.rpartition('/')[2]}' cannot be read as a picture",
                      "save it as a JPEG, PNG or WebP file")
        return 0, 0, False
    size = source.stat().st_size
    if size > LARGE:
        problems.warn(where, f"image: '{url.rpartition('/')[2]}' is {size / 1e6:.1f} MB "
                      f"({width} x {height} pixels)",
                      "readers get smaller copies, but the original is published too: save "
                      "one under 5 MB")
    return width, height, True


def _terms(indexes: tuple[TermIndex, ...],
           renewed: dict[int, Issue | Item]) -> tuple[TermIndex, ...]:
    """Tag and region pages whose entries point at the measured issues and items."""
    def entry(old: Entry) -> Entry:
        issue, item = renewed.get(id(old.issue), old.issue), renewed.get(id(old.item), old.item)
        if issue is old.issue and item is old.item:
            return old
        assert isinstance(issue, Issue) and isinstance(item, Item)
        return replace(old, issue=issue, item=item)

    def index(old: TermIndex) -> TermIndex:
        entries = tuple(entry(each) for each in old.entries)
        same = all(new is each for new, each in zip(entries, old.entries, strict=True))
        return old if same else replace(old, entries=entries)

    return tuple(index(each) for each in indexes)


def image_files(site: Site, made_folder: MadeFolder) -> list[tuple[Path, str]]:
    """The copies of every measured image and where each goes in the output, at its widths,
    and the original without its camera's metadata when it has any. Each image's are made by
    `made_folder(digest, make, "")`, a folder that the caller keeps under `digest`."""
    sources = _sources(site)
    files = []
    for image in _published(site):
        source = sources[image.url]
        digest = hashlib.sha256(f"{source}\0{file_version(source)}\0{PIL.__version__}\0"
                                f"{image.width}".encode()).hexdigest()[:32]
        folder = made_folder(digest, functools.partial(write_copies, image, source), "")
        files += [(path, f"{image.url.rpartition('/')[0]}/{path.name}")
                  for path in sorted(folder.iterdir())]
    return files


def copy_paths(site: Site) -> set[str]:
    """The site paths of every copy `image_files` makes, from the model alone (`bulletin
    check`, which makes none, counts them as written)."""
    return {image.at(width) for image in _published(site)
            for width in (*image.widths(), EMAIL_WIDTH, PRINT_WIDTH)}


def _published(site: Site) -> list[Image]:
    """The images `image_files` makes copies of, by site path: the `image:`s, and the still
    pictures the texts place (a phone's photo of 6000 pixels made a PDF of 19 MB, and every
    reader of the page downloaded it whole)."""
    placed = {image.url: image for each in (site, *site.translations)
              for issue in each.issues for image in issue.pictures if image.scaled}
    return [image for _, image in sorted({**placed, **{image.url: image
                                                      for image in _images(site)}}.items())]


def _images(site: Site) -> Iterator[Image]:
    """Every image of every language's issues (a translation may show its own)."""
    for issue in (issue for each in (site, *site.translations) for issue in each.issues):
        for image in (issue.image, *(item.image for item in issue.items)):
            if image is not None and image.width and image.scaled:
                yield image


def write_copies(image: Image, source: Path, folder: Path, earlier: Path | None = None) -> None:
    """Write into `folder` each copy of `image` (from the file `source`) under its file name:
    one for each of its widths, and the original without what its camera wrote, when it wrote
    anything. (`earlier` is not asked: a changed picture changes every copy.)"""
    with Pillow.open(source) as picture:
        stripped = bool(picture.getexif())
        kind = picture.format or "PNG"
        profile = picture.info.get("icc_profile")  # colours, kept; EXIF and XMP are not
        upright = ImageOps.exif_transpose(picture)
    widths = {*image.widths(), EMAIL_WIDTH, PRINT_WIDTH}
    for width in sorted(width for width in widths if width < image.width):
        copy = upright.resize((width, image.height_at(width)), Pillow.Resampling.LANCZOS)
        (folder / image.at(width).rpartition("/")[2]).write_bytes(
            _encoded(copy, kind, profile))
    if stripped:  # the original's place: the same picture, without what its camera wrote
        (folder / image.url.rpartition("/")[2]).write_bytes(_encoded(upright, kind, profile))


def _encoded(picture: Pillow.Image, kind: str, profile: bytes | None) -> bytes:
    if kind == "JPEG" and picture.mode not in ("RGB", "L"):
        picture = picture.convert("RGB")
    buffer = io.BytesIO()
    options = {**FORMATS[kind], **({"icc_profile": profile} if profile else {})}
    picture.save(buffer, kind, **options)
    return buffer.getvalue()
