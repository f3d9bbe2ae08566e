"""Shared fixtures: small sites written into temporary folders, built for real."""

from __future__ import annotations

import fcntl
import json
import os
import posixpath
import re
import shutil
import signal
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import html5lib
import pytest
from click.testing import CliRunner

from bulletin_gen.build import BuildOptions, build
from bulletin_gen.editions.pdf import PdfUnavailable, load_weasyprint

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SITES = FIXTURES / "sites"
ATOM = "{http://www.w3.org/2005/Atom}"
# A mailing tool's placeholder in the email edition (*|UNSUB|*, {{ unsubscribe }}), not a link.
MERGE_TAG = re.compile(r"^(\*\|.*\|\*|\{\{.*\}\}|<%.*%>|%%.*%%)$")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# A real PNG, 2 x 2 pixels: the build measures every item's image.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a730000000b494441"
    "54789c6360400600000e0001a99173b10000000049454e44ae426082"
)

SETTINGS = """\
        title: Test Bulletin
        tagline: News for testing
        base_url: https://example.org/news/
        organisation: {name: Test Network, url: https://example.org/}
        contact: {name: Ana Editor, email: editor@example.org}
        nav: [about]
        """
# The print edition is half of a small site's build; the tests about it ask for it (WITH_PDF).
MINIMAL_SITE = {
    "bulletin.yaml": SETTINGS + "pdf: {enabled: false}\n",  # after SETTINGS' indentation
    "content/issues/2026-01-winter/issue.yaml": """\
        title: January 2026
        date: 2026-01-15
        number: 1
        summary: The first test issue.
        """,
    "content/issues/2026-01-winter/01-lead.md": """\
        ---
        title: Lead story
        kind: feature
        tags: [mediation]
        regions: [Peru]
        contact: {name: Hélène Bélanger, role: Director, email: helene@example.org}
        ---
        The **lead** story text.
        """,
    "content/issues/2026-01-winter/02-briefs.yaml": """\
        title: Other news
        kind: briefs
        contact: {name: Ana Editor, email: editor@example.org}
        items:
          - headline: Clinic opens
            regions: [Tajikistan, Uzbekistan]
            tags: [mediation]
            body: A clinic opened in **Khujand**.
          - regions: [Hungary]
            body: Budget hearings in **Pécs**.
        """,
    "content/pages/about.md": """\
        ---
        title: About
        ---
        About the test network.
        """,
}


# make_site(WITH_PDF): the minimal site with the print edition on, as bulletin.yaml's default.
WITH_PDF = {"bulletin.yaml": SETTINGS}


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write `files` (path -> text, dedented; or bytes) under `root`."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def age(site: Path, seconds: int = 60) -> None:
    """Move the time of every file of the site into the past, out of the window in which a
    build does not trust a file's stamp (incremental/memo.settled): as files saved a minute ago."""
    for path in site.rglob("*"):
        if path.is_file():
            stat = path.stat()
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - seconds * 10**9))


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    """make_site(files={...}, base=MINIMAL_SITE) -> a site folder; None in files removes a file."""

    def make(files: dict[str, str | bytes | None] | None = None,
             base: dict[str, str] | None = None, name: str = "site") -> Path:
        merged: dict[str, str | bytes | None] = {**(MINIMAL_SITE if base is None else base),
                                                 **(files or {})}
        kept = {k: v for k, v in merged.items() if v is not None}
        return write_files(tmp_path / name, kept)

    return make


@pytest.fixture
def build_site() -> Callable[..., Path]:
    """build_site(site_dir, **BuildOptions fields) -> the output folder."""

    def run(site_dir: Path, **options: object) -> Path:
        report = build(site_dir, BuildOptions(**options))  # type: ignore[arg-type]
        return report.output

    return run


@pytest.fixture
def weasyprint() -> Any:
    """The WeasyPrint module; skips the test when it (or Pango) is not installed."""
    try:
        return load_weasyprint()
    except PdfUnavailable as error:
        pytest.skip(str(error))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def copy_demo(target: Path) -> Path:
    """Copy the repository's demo site (bulletin.yaml, content/, templates/, static/) to
    `target`, so that its builds write their cache and output there, not into the repository."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "bulletin.yaml", target / "bulletin.yaml")
    for folder in ("content", "templates", "static"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, target / folder)
    return target


def copy_fixture(name: str, parent: Path) -> Path:
    """Copy tests/fixtures/sites/NAME into `parent`: a build of it writes nothing into tests/."""
    return Path(shutil.copytree(SITES / name, parent / name))


@pytest.fixture
def demo_site(tmp_path: Path) -> Path:
    """A copy of the repository's demo site, for this test alone."""
    return copy_demo(tmp_path / "demo")


@dataclass(frozen=True)
class Built:
    """A site built once for the whole run: only for tests that read its output and change
    neither the site nor the output."""

    site: Path
    output: Path
    here: bool = True  # built by this process (not by another xdist worker)


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str,
               make: Callable[[Path], Built]) -> Built:
    """make(folder), once for the whole run: the first xdist worker to ask builds the site into
    a folder all the workers share; the others wait for it (a lock) and take what it built.
    A build that fails leaves nothing behind: the next worker to ask tries again."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, which holds each worker's own
    folder, record = root / f"built-{name}", root / f"built-{name}.json"
    with open(root / f"built-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if record.is_file():
            paths = json.loads(record.read_text("utf-8"))
            return Built(Path(paths["site"]), Path(paths["output"]), here=False)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        built = make(folder)
        record.write_text(json.dumps({"site": str(built.site), "output": str(built.output)}),
                          "utf-8")
        return built


def build_demo(folder: Path) -> Built:
    site = copy_demo(folder / "demo")
    return Built(site, build(site).output)


@pytest.fixture(scope="session")
def demo_built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The demo site built with the default settings (web, email and print editions)."""
    return built_once(tmp_path_factory, "demo", build_demo)


@pytest.fixture(scope="session")
def demo_built_again(demo_built: Built, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """demo_built's site built a second time in the same process, with the same settings, into
    another folder: with the cache the first build left (and the state that build left in
    the process). Its output must be demo_built's, byte for byte. When another worker built
    demo_built, this process builds its own copy of the demo first, then again."""
    first = demo_built if demo_built.here else build_demo(tmp_path_factory.mktemp("first"))
    output = tmp_path_factory.mktemp("again") / "output"
    return Built(first.site, build(first.site, BuildOptions(output=output)).output)


@pytest.fixture(scope="session")
def full_built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """tests/fixtures/sites/full built with the default settings."""
    def make(folder: Path) -> Built:
        site = copy_fixture("full", folder)
        return Built(site, build(site).output)

    return built_once(tmp_path_factory, "full", make)


def ctrl_c_reaches_child() -> None:
    """preexec_fn for a subprocess a test stops with SIGINT: undo an inherited SIG_IGN.

    A shell that starts the test run in the background (as CI runners and `cmd &` do) makes
    SIGINT ignored, and a child inherits that; Python then never raises KeyboardInterrupt.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


# The Debian package of each program whose package has another name.
TOOL_PACKAGES = {"chromedriver": "chromium-driver", "pdftoppm": "poppler-utils",
                 "pdftotext": "poppler-utils"}


def tool_missing(name: str) -> str:
    """What the skip says: the program's name, and the package that installs it."""
    package = TOOL_PACKAGES.get(name, name)
    return f"{name} is not installed (apt-get install {package})"


def require_tool(name: str) -> str:
    """The path of a system tool; skips the test when it is missing (fails on CI instead)."""
    path = shutil.which(name)
    if path:
        return path
    if os.environ.get("BULLETIN_REQUIRE_TOOLS"):
        pytest.fail(f"{name} is required on CI but is not installed")
    pytest.skip(tool_missing(name))


def start_chromium() -> Any:
    """Headless Chromium driven by Debian's chromedriver; skips the test without them."""
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = require_tool("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--disable-background-networking", "--disable-sync",
                 "--disable-component-update"):
        options.add_argument(flag)
    # Debian's chromedriver, never one Selenium Manager would download
    return webdriver.Chrome(service=Service(require_tool("chromedriver")), options=options)


@pytest.fixture
def browser():  # type: ignore[no-untyped-def]
    """Headless Chromium driven by Debian's chromedriver."""
    driver = start_chromium()
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def module_browser():  # type: ignore[no-untyped-def]
    """One headless Chromium for the tests of a module: only for tests that load their pages
    afresh and leave nothing behind in the browser (no cookies, storage or open windows)."""
    driver = start_chromium()
    yield driver
    driver.quit()


@pytest.fixture
def rendered_markdown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every Markdown text rendered from now on, in this process (jobs=1), in order."""
    from bulletin_gen.markdown import MarkdownRenderer

    texts: list[str] = []
    render = MarkdownRenderer.render

    def noting(self: MarkdownRenderer, text: str, *args: Any, **kwargs: Any) -> Any:
        texts.append(text)
        return render(self, text, *args, **kwargs)

    monkeypatch.setattr(MarkdownRenderer, "render", noting)
    return texts


@pytest.fixture
def fixture_site(tmp_path: Path) -> Callable[[str], Path]:
    """fixture_site('full') -> a fresh copy of tests/fixtures/sites/full in a temporary folder."""

    def copy(name: str) -> Path:
        return copy_fixture(name, tmp_path)

    return copy


def parse_html(path: Path) -> ET.Element:
    """Parse an HTML page with html5lib in strict mode: any parse error fails the test."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        tree: ET.Element = parser.parse(path.read_bytes())
        return tree
    except html5lib.html5parser.ParseError as error:
        pytest.fail(f"{path}: HTML parse error: {error}")


def text_of(element: ET.Element | None) -> str:
    """The text of an element with whitespace collapsed, as a reader sees it."""
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def one(root: ET.Element, path: str) -> ET.Element:
    """The first element at `path` below `root`; fails the test when there is none."""
    found = root.find(path)
    assert found is not None, f"no element at {path}"
    return found


def by_class(root: ET.Element, name: str, tag: str = "*") -> list[ET.Element]:
    """Every element below `root` whose class attribute contains `name`."""
    return [el for el in root.iter(tag) if name in (el.get("class") or "").split()]


def html_pages(output: Path) -> list[Path]:
    """Every .html file of an output folder, sorted."""
    return sorted(output.rglob("*.html"))


def page_path(output: Path, page: Path) -> str:
    """The page's path within the output, as a URL path ('issues/x/index.html')."""
    return page.relative_to(output).as_posix()


def internal_refs(root: ET.Element) -> Iterator[tuple[str, str]]:
    """(tag, url) of every href and src that points into the site (no scheme, not '#...')."""
    for element in root.iter():
        for attribute in ("href", "src"):
            url = element.get(attribute)
            if url is None:
                continue
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or url.startswith("#") or MERGE_TAG.match(url):
                continue
            yield element.tag, url


def resolve_ref(output: Path, page: str, url: str, base_path: str = "/") -> Path | None:
    """The written file a link on `page` reaches, or None.

    Relative links resolve against the page's folder; root-relative ones ('/sub/x/') against
    the site's `base_path`; a folder link reaches its index.html.
    """
    path = unquote(urlsplit(url).path)
    if path.startswith("/"):
        if not path.startswith(base_path):
            return None
        target = path[len(base_path):]
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if target.startswith("../"):
        return None  # leaves the site
    candidate = output / target if target not in ("", ".") else output
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` and its bytes, to compare an output before and after."""
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture
def refused(make_site: Callable[..., Path]) -> Callable[..., Any]:
    """refused(files, path, line, text, setup=None): build the minimal site, break it with
    `files` (None removes a file) and `setup(site)`, build again; assert a problem at
    path:line whose message contains `text`, and that the first build's output is byte for
    byte unchanged. Returns the problem."""
    from bulletin_gen.errors import ContentError

    def run(files: dict[str, str | bytes | None], path: str, line: int, text: str,
            setup: Callable[[Path], object] | None = None, **options: Any) -> Any:
        options = {"pdf": False, "email": False, **options}  # the web edition is enough here
        site = make_site()
        output = build(site, BuildOptions(**options)).output
        before = snapshot(output)
        for name, content in files.items():
            if content is None:
                (site / name).unlink()
        write_files(site, {k: v for k, v in files.items() if v is not None})
        if setup:
            setup(site)
        with pytest.raises(ContentError) as caught:
            build(site, BuildOptions(**options))
        matches = [p for p in caught.value.problems
                   if p.location.path == path and p.location.line == line and text in p.message]
        assert matches, f"no problem {path}:{line}: {text!r} in:\n{caught.value.message}"
        assert snapshot(output) == before
        assert sorted(p.name for p in output.parent.iterdir()) == sorted(
            p.name for p in site.iterdir())  # no staging folder left behind
        return matches[0]

    return run


# What a build leaves in the folder of the site it built; no test may leave them in tests/.
BUILD_LEFTOVERS = (".bulletin-cache", ".bulletin.lock", ".output.spare", "output")


def leftovers_in_tests() -> list[Path]:
    here = Path(__file__).resolve().parent
    return sorted(path for name in BUILD_LEFTOVERS for path in here.rglob(name))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when a test built a site inside tests/ instead of a copy of it."""
    if hasattr(session.config, "workerinput"):
        return  # an xdist worker: the controller looks once every worker has finished
    found = leftovers_in_tests()
    if found:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("A test built a site inside tests/ (copy it into tmp_path, "
                                "see conftest.copy_fixture): " + ", ".join(map(str, found)),
                                red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
