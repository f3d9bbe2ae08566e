"""Images: copies at the widths readers need, sized, upright and without location data, made
once and the same every build; the email and the print edition take their own copies."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SETTINGS, WITH_PDF, age, parse_html, require_tool
from PIL import Image as Pillow

from bulletin_gen import images
from bulletin_gen.build import BuildOptions, build
from bulletin_gen.cli import main
from bulletin_gen.model import PRINT_WIDTH
from bulletin_gen.pipeline import load_site

GPS = 0x8825
ORIENTATION = 0x0112


def photo(width: int, height: int, orientation: int = 1, gps: bool = True) -> bytes:
    """A JPEG as a camera writes it: EXIF orientation, and a location unless `gps` is off."""
    picture = Pillow.new("RGB", (width, height), (40, 120, 60))
    for x in range(0, width, 50):  # some detail, so that sizes differ by width
        picture.paste((200, x % 255, 90), (x, 0, x + 25, height))
    exif = Pillow.Exif()
    exif[ORIENTATION] = orientation
    if gps:
        exif[GPS] = {1: "N", 2: (46.0, 4.0, 30.0), 3: "E", 4: (18.0, 13.0, 58.0)}
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def site_with(make_site: Callable[..., Path], data: bytes, name: str = "photo.jpg",
              settings: dict[str, str] | None = None) -> Path:
    return make_site({
        **(settings or {}),
        f"content/issues/2026-01-winter/images/{name}": data,
        "content/issues/2026-01-winter/01-lead.md": f"""\
            ---
            title: Lead story
            kind: feature
            image: images/{name}
            image_alt: The new centre's garden
            ---
            The **lead** story text.
            """})


def img(page: Path) -> dict[str, str]:
    found = [element for element in parse_html(page).iter("img")
             if "photo" in element.get("src", "")]
    assert len(found) == 1, page
    return dict(found[0].attrib)


def published(output: Path) -> dict[str, Pillow.Image]:
    folder = output / "issues/2026-01-winter/images"
    return {path.name: Pillow.open(path) for path in sorted(folder.iterdir())}


def test_a_large_photo_is_published_at_every_width_upright_and_without_its_location(
        make_site: Callable[..., Path], build_site: Callable[..., Path]) -> None:
    # 4000 x 3000 as stored, turned a quarter by its EXIF orientation: 3000 x 4000 upright
    output = build_site(site_with(make_site, photo(4000, 3000, orientation=6)), jobs=1)
    files = published(output)
    assert sorted(files) == ["photo.1200w.jpg", "photo.1600w.jpg", "photo.2400w.jpg",
                             "photo.480w.jpg", "photo.800w.jpg", "photo.jpg"]
    assert files["photo.800w.jpg"].size == (800, 1067)
    assert files["photo.jpg"].size == (3000, 4000)
    for name, picture in files.items():
        exif = picture.getexif()
        assert GPS not in exif and ORIENTATION not in exif, name
    item = img(output / "issues/2026-01-winter/lead/index.html")
    assert item["src"] == "../../../issues/2026-01-winter/images/photo.800w.jpg"
    assert item["srcset"].split(", ") == [
        f"../../../issues/2026-01-winter/images/photo.{width}w.jpg {width}w"
        for width in (480, 800, 1200, 1600)]
    assert (item["width"], item["height"]) == ("800", "1067")
    assert "loading" not in item  # at the top of its own page
    in_issue = img(output / "issues/2026-01-winter/index.html")
    assert in_issue["loading"] == "lazy"
    email = img(output / "issues/2026-01-winter/email.html")
    assert email["src"] == "https://example.org/news/issues/2026-01-winter/images/photo.1200w.jpg"
    assert (email["width"], email["height"]) == ("536", "715")


def test_a_photo_in_the_text_is_published_without_its_location_at_an_images_widths(
        make_site: Callable[..., Path], build_site: Callable[..., Path]) -> None:
    """Only an `image:` lost what its camera wrote: a photo placed in the text published the
    place it was taken. Its copies are an `image:`'s: a phone's photo of 6000 pixels was
    every reader's download, and made a PDF of 19 MB."""
    site = make_site({
        "content/issues/2026-01-winter/images/photo.jpg": photo(1000, 750),
        "content/issues/2026-01-winter/images/plain.jpg": photo(300, 200, gps=False),
        "content/issues/2026-01-winter/01-lead.md":
            "---\ntitle: Lead\n---\n![The hall](images/photo.jpg) ![A chart](images/plain.jpg)\n"})
    output = build_site(site, jobs=1, pdf=False)
    files = published(output)
    assert sorted(files) == ["photo.480w.jpg", "photo.800w.jpg", "photo.jpg", "plain.jpg"]
    assert files["photo.jpg"].size == (1000, 750)
    assert files["photo.800w.jpg"].size == (800, 600)
    assert all(GPS not in picture.getexif() for picture in files.values())


def test_a_photo_of_another_issues_folder_placed_in_a_text_gets_its_copies_too(
        make_site: Callable[..., Path], build_site: Callable[..., Path]) -> None:
    """Only the pictures of an issue's own folder were found in its texts: one of another
    issue's was published with its camera's location, and shown whole."""
    site = make_site({
        "content/issues/2025-12-autumn/issue.yaml": "title: Autumn\ndate: 2025-12-01\n",
        "content/issues/2025-12-autumn/01-hall.md": "---\ntitle: Hall\n---\nThe hall.\n",
        "content/issues/2025-12-autumn/hall.jpg": photo(1000, 750),
        "content/issues/2026-01-winter/01-lead.md":
            "---\ntitle: Lead\n---\n![The hall again](../2025-12-autumn/hall.jpg)\n"})
    output = build_site(site, jobs=1, pdf=False)
    folder = output / "issues/2025-12-autumn"
    assert sorted(path.name for path in folder.glob("hall.*")) == [
        "hall.480w.jpg", "hall.800w.jpg", "hall.jpg"]
    assert all(GPS not in Pillow.open(path).getexif() for path in folder.glob("hall.*"))
    shown = [element for element in parse_html(output / "issues/2026-01-winter/lead/index.html")
             .iter("img") if element.get("alt") == "The hall again"]
    assert [(element.get("src"), element.get("width")) for element in shown] == [
        ("../../../issues/2025-12-autumn/hall.800w.jpg", "800")]


def test_a_picture_in_the_text_is_sized_for_the_email(make_site: Callable[..., Path],
                                                      tmp_path: Path) -> None:
    """Outlook ignores max-width: an image of the text gets the column's width (or its own,
    when narrower) and the height to match; the email's copy when an `image:` made one."""
    site = make_site({
        "content/issues/2026-01-winter/images/photo.jpg": photo(2000, 1000, gps=False),
        "content/issues/2026-01-winter/images/wide.png": _png(2400, 600),
        "content/issues/2026-01-winter/images/small.png": _png(300, 200),
        "content/issues/2026-01-winter/01-lead.md": """\
            ---
            title: Lead story
            image: images/photo.jpg
            image_alt: The new centre's garden
            ---
            ![The garden again](images/photo.jpg)

            ![A wide chart](images/wide.png) and ![a small one](images/small.png)
            """})
    age(site)
    options = BuildOptions(jobs=1, pdf=False)
    output = build(site, options).output
    base = "https://example.org/news/issues/2026-01-winter/images/"
    sized = {element.get("alt"): (element.get("src"), element.get("width"), element.get("height"))
             for element in parse_html(output / "issues/2026-01-winter/email.html").iter("img")}
    assert sized["The garden again"] == (base + "photo.1200w.jpg", "536", "268")
    assert sized["A wide chart"] == (base + "wide.1200w.png", "536", "134")
    assert sized["a small one"] == (base + "small.png", "300", "200")
    # As the `image:`'s: a phone's column, not the width attribute, bounds it (images blocked
    # or not), and it is never drawn wider than itself.
    styles = {element.get("alt"): element.get("style", "") for element in
              parse_html(output / "issues/2026-01-winter/email.html").iter("img")}
    assert "width: 100%;max-width: 300px;height: auto" in styles["a small one"]
    (site / "content/issues/2026-01-winter/images/small.png").write_bytes(_png(200, 300))
    output = build(site, options).output  # the email is made again for the new picture
    small = [element for element in parse_html(output / "issues/2026-01-winter/email.html")
             .iter("img") if element.get("alt") == "a small one"]
    assert (small[0].get("width"), small[0].get("height")) == ("200", "300")


def test_a_picture_in_the_text_has_its_size_on_the_web_pages(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    """A picture the text places has its width and height on the item's and the issue's
    page, so that the page does not move as it loads; a width the text gives is kept,
    and a picture replaced by one of other dimensions resizes the pages of a rebuild."""
    site = make_site({
        "content/issues/2026-01-winter/images/chart.png": _png(900, 300),
        "content/issues/2026-01-winter/01-lead.md": """\
            ---
            title: Lead story
            ---
            ![A chart](images/chart.png)

            <img src="images/chart.png" alt="The chart, small" width="90">

            ![Elsewhere](https://example.net/chart.png)
            """})
    age(site)
    options = BuildOptions(jobs=1, pdf=False, email=False)
    pages = ("issues/2026-01-winter/lead/index.html", "issues/2026-01-winter/index.html")

    def sizes(output: Path, page: str) -> dict[str, tuple[str | None, str | None]]:
        return {element.get("alt", ""): (element.get("width"), element.get("height"))
                for element in parse_html(output / page).iter("img")
                if "chart" in element.get("src", "")}

    output = build(site, options).output
    for page in pages:
        assert sizes(output, page) == {"A chart": ("800", "267"),  # its copy 800 wide
                                       "The chart, small": ("90", None),
                                       "Elsewhere": (None, None)}, page
    (site / "content/issues/2026-01-winter/images/chart.png").write_bytes(_png(300, 600))
    output = build(site, options).output
    clean = build(site, BuildOptions(output=tmp_path / "clean", clean=True, jobs=1, pdf=False,
                                     email=False)).output
    for page in pages:
        assert sizes(output, page)["A chart"] == ("300", "600"), page
        assert (output / page).read_bytes() == (clean / page).read_bytes()


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Pillow.new("RGB", (width, height), (200, 90, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def pdf_pictures(pdf: Path, folder: Path) -> list[tuple[int, int, bool]]:
    """The pictures a PDF holds: width, height, and whether it carries a GPS location."""
    folder.mkdir()
    subprocess.run([require_tool("pdfimages"), "-all", str(pdf), str(folder / "p")], check=True)
    found = []
    for path in sorted(folder.iterdir()):
        with Pillow.open(path) as picture:
            found.append((picture.width, picture.height, GPS in picture.getexif()))
    return found


@pytest.mark.parametrize("width", [4000, 1600])
def test_the_print_edition_takes_the_print_copy(make_site: Callable[..., Path],
                                                runner: CliRunner, tmp_path: Path,
                                                width: int) -> None:
    """A photo wider than the print copy's 2,400 pixels was left out of the PDF, with a
    warning to put it in the issue's folder, where it was; and `bulletin pdf` embedded a
    narrower one with its camera's location."""
    pytest.importorskip("weasyprint")
    original = photo(width, width * 3 // 4)
    site = site_with(make_site, original, settings=WITH_PDF)
    result = runner.invoke(main, ["build", str(site), "-j", "1"])
    assert result.exit_code == 0 and "leaves out" not in result.output, result.output
    pdf = site / "output/issues/2026-01-winter/2026-01-winter.pdf"
    printed = min(width, PRINT_WIDTH)
    assert pdf_pictures(pdf, tmp_path / "built") == [(printed, printed * 3 // 4, False)]
    alone = tmp_path / "alone.pdf"
    result = runner.invoke(main, ["pdf", "2026-01-winter", str(site), "-o", str(alone)])
    assert result.exit_code == 0 and "leaves out" not in result.output, result.output
    assert alone.read_bytes() == pdf.read_bytes()


def test_a_picture_the_text_places_is_printed_and_shown_from_its_copies(
        make_site: Callable[..., Path], runner: CliRunner, tmp_path: Path) -> None:
    """A phone's photo placed in the text went into the PDF whole (19 MB for one of 6000
    pixels), and every reader of the page downloaded it."""
    pytest.importorskip("weasyprint")
    site = make_site({**WITH_PDF,
                      "content/issues/2026-01-winter/images/photo.jpg": photo(3200, 2400),
                      "content/issues/2026-01-winter/01-lead.md":
                          "---\ntitle: Lead\n---\n![The hall](images/photo.jpg)\n"})
    result = runner.invoke(main, ["build", str(site), "-j", "1"])
    assert result.exit_code == 0, result.output
    issue = site / "output/issues/2026-01-winter"
    assert pdf_pictures(issue / "2026-01-winter.pdf", tmp_path / "built") == [
        (2400, 1800, False)]
    shown = img(issue / "lead/index.html")
    assert (shown["src"], shown["width"], shown["height"]) == (
        "../../../issues/2026-01-winter/images/photo.800w.jpg", "800", "600")
    assert shown["srcset"].split(", ")[-1] == (
        "../../../issues/2026-01-winter/images/photo.1600w.jpg 1600w")


def test_bulletin_pdf_takes_the_picture_copies_a_build_made(
        make_site: Callable[..., Path], runner: CliRunner, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`bulletin pdf` made its issue's copies again on every run (seconds for a few photos);
    without a build it still makes them."""
    pytest.importorskip("weasyprint")
    site = site_with(make_site, photo(3000, 2000), settings=WITH_PDF)
    age(site)  # its stamp, not its bytes, names its copies (filestamp.py): as a build left them
    assert runner.invoke(main, ["build", str(site), "-j", "1", "--no-pdf"]).exit_code == 0
    made = []
    monkeypatch.setattr(images, "write_copies", lambda *args, **kwargs: made.append(args))
    alone = tmp_path / "alone.pdf"
    result = runner.invoke(main, ["pdf", "2026-01-winter", str(site), "-o", str(alone)])
    assert result.exit_code == 0 and "leaves out" not in result.output, result.output
    assert made == []
    assert pdf_pictures(alone, tmp_path / "alone") == [(2400, 1600, False)]
    shutil.rmtree(site / ".bulletin-cache")
    runner.invoke(main, ["pdf", "2026-01-winter", str(site), "-o", str(tmp_path / "again.pdf")])
    assert len(made) == 1


def test_a_small_image_keeps_its_size_and_gets_no_larger_copies(
        make_site: Callable[..., Path], build_site: Callable[..., Path]) -> None:
    output = build_site(site_with(make_site, photo(600, 400, gps=False)), jobs=1)
    assert sorted(published(output)) == ["photo.480w.jpg", "photo.jpg"]
    item = img(output / "issues/2026-01-winter/lead/index.html")
    assert item["src"] == "../../../issues/2026-01-winter/images/photo.jpg"
    assert item["srcset"].endswith("photo.jpg 600w")
    assert (item["width"], item["height"]) == ("600", "400")


def gif(width: int, height: int, frames: int = 1) -> bytes:
    pictures = [Pillow.new("P", (width, height), shade) for shade in range(frames)]
    buffer = io.BytesIO()
    pictures[0].save(buffer, "GIF", save_all=True, append_images=pictures[1:])
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "data", "size", "in_email"), [
    ("photo.gif", gif(1000, 500), ("800", "400"), "536"),
    ("photo.gif", gif(300, 120, frames=3), ("300", "120"), "300"),  # an animation
    ("photo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="240" height="80"/>',
     ("240", "80"), "240"),
])
def test_a_picture_without_copies_is_published_as_it_is_with_its_size(
        make_site: Callable[..., Path], build_site: Callable[..., Path], name: str, data: bytes,
        size: tuple[str, str], in_email: str) -> None:
    output = build_site(site_with(make_site, data, name=name), jobs=1, pdf=False)
    assert [path.name for path in (output / "issues/2026-01-winter/images").iterdir()] == [name]
    item = img(output / "issues/2026-01-winter/lead/index.html")
    assert item["src"] == f"../../../issues/2026-01-winter/images/{name}"
    assert "srcset" not in item
    assert (item["width"], item["height"]) == size
    # The email shows it at its own size within the column: a small one is not blown up.
    email = [element for element in parse_html(output / "issues/2026-01-winter/email.html")
             .iter("img") if name in element.get("src", "")]
    assert [(e.get("width"), e.get("src")) for e in email] == [
        (in_email, f"https://example.org/news/issues/2026-01-winter/images/{name}")]


def test_an_svg_with_a_view_box_alone_fills_the_column(
        make_site: Callable[..., Path], build_site: Callable[..., Path]) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 80"/>'
    site = site_with(make_site, svg, name="photo.svg")
    assert not [warning for warning in load_site(site)[1].warnings if "photo" in warning.message]
    item = img(build_site(site, jobs=1, pdf=False) / "issues/2026-01-winter/lead/index.html")
    assert "width" not in item and "height" not in item


def test_the_copies_are_the_same_bytes_every_build(make_site: Callable[..., Path],
                                                   tmp_path: Path) -> None:
    site = site_with(make_site, photo(2000, 1500, orientation=3))
    first = build(site, BuildOptions(output=tmp_path / "one", jobs=1, pdf=False))
    second = build(site, BuildOptions(output=tmp_path / "two", jobs=1, pdf=False, clean=True))
    folder = "issues/2026-01-winter/images"
    names = sorted(path.name for path in (first.output / folder).iterdir())
    assert len(names) == 5  # four widths, and the original without its EXIF
    for name in names:
        assert (first.output / folder / name).read_bytes() == \
            (second.output / folder / name).read_bytes()


def test_a_replaced_picture_of_other_dimensions_resizes_the_page(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = site_with(make_site, photo(2000, 1000, gps=False))
    age(site)
    options = BuildOptions(jobs=1, pdf=False, email=False)
    build(site, options)
    (site / "content/issues/2026-01-winter/images/photo.jpg").write_bytes(
        photo(1000, 2000, gps=False))
    output = build(site, options).output
    assert (img(output / "issues/2026-01-winter/lead/index.html")["height"]) == "1600"
    clean = build(site, BuildOptions(output=tmp_path / "clean", clean=True, jobs=1, pdf=False,
                                     email=False)).output
    for page in ("issues/2026-01-winter/lead/index.html", "issues/2026-01-winter/index.html"):
        assert (output / page).read_bytes() == (clean / page).read_bytes()
    assert sorted(path.name for path in (output / "issues/2026-01-winter/images").iterdir()) \
        == ["photo.480w.jpg", "photo.800w.jpg", "photo.jpg"]  # the old wider copies gone


def test_a_picture_that_cannot_be_read_is_said_once_at_the_item_that_names_it(
        make_site: Callable[..., Path]) -> None:
    """Not again at a translation that shows it without naming it."""
    site = site_with(make_site, b"not a picture", name="broken.png", settings={
        "bulletin.yaml": SETTINGS + "pdf: {enabled: false}\n        languages: {es: {}}\n",
        "content/issues/2026-01-winter/issue.es.yaml": "title: Enero\n",
        "content/issues/2026-01-winter/01-lead.es.md": "---\ntitle: Portada\n---\nTexto.\n"})
    _, problems = load_site(site)
    assert [warning.location.path for warning in problems.warnings
            if "cannot be read as a picture" in warning.message] == [
        "content/issues/2026-01-winter/01-lead.md"]


def test_check_warns_about_a_large_image_and_one_that_is_no_picture(
        make_site: Callable[..., Path], runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    from bulletin_gen.cli import main

    monkeypatch.setattr(images, "LARGE", 10_000)
    site = site_with(make_site, photo(1000, 800))
    result = runner.invoke(main, ["check", str(site)])
    assert "content/issues/2026-01-winter/01-lead.md: warning: image: 'photo.jpg' is " in \
        result.output
    broken = site_with(make_site, b"not a picture", name="broken.png")
    result = runner.invoke(main, ["check", str(broken)])
    assert "image: 'broken.png' cannot be read as a picture" in result.output
