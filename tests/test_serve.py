"""`bulletin serve` for real: a subprocess on a free port, fetched over HTTP and in headless
Chromium, while its content is edited on disk."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from click.testing import CliRunner
from conftest import WITH_PDF, ctrl_c_reaches_child, require_tool

from bulletin_gen.build import BuildOptions
from bulletin_gen.layout import CACHE_DIR
from bulletin_gen.serve import LiveState, _built, error_page, inject

WAIT = 60  # seconds before a test that hangs is failed; never a measure of speed
ITEM = "content/issues/2026-01-winter/01-lead.md"
ITEM_PAGE = "issues/2026-01-winter/lead/"


class Served:
    """A running `bulletin serve` process, its URL and its output lines."""

    def __init__(self, site: Path, *args: str, temporary: Path | None = None,
                 on_saying: tuple[str, Callable[[], None]] | None = None) -> None:
        """Start it and return once it serves; `on_saying` (text, action): the action is
        taken when a line of its output holds the text, before it serves."""
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}
        if temporary:  # where it makes its folder for the built site
            env["TMPDIR"] = str(temporary)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bulletin_gen", "serve", str(site), "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
            preexec_fn=ctrl_c_reaches_child)
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        self.pumps = [threading.Thread(target=self._pump, args=(stream,), daemon=True)
                      for stream in (self.process.stdout, self.process.stderr)]
        for pump in self.pumps:
            pump.start()
        self.url = ""
        while not self.url:
            line = self.next_line()
            if on_saying and on_saying[0] in line:
                on_saying[1]()
            if match := re.search(r"at (http://127\.0\.0\.1:\d+/)", line):
                self.url = match.group(1)

    def _pump(self, stream: IO[str] | None) -> None:
        assert stream is not None
        for line in stream:
            self.lines.put(line)

    def next_line(self) -> str:
        try:
            line = self.lines.get(timeout=WAIT)
        except queue.Empty:
            pytest.fail(f"bulletin serve printed nothing more; so far: {self.output}")
        self.output.append(line)
        return line

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=WAIT) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def head(self, path: str) -> tuple[int, int | None, bytes]:
        """A HEAD request's status, Content-Length and body (which must be none)."""
        request = urllib.request.Request(self.url + path, method="HEAD")
        try:
            with urllib.request.urlopen(request, timeout=WAIT) as response:
                length = response.headers["Content-Length"]
                return response.status, int(length) if length else None, response.read()
        except urllib.error.HTTPError as error:
            return error.code, None, error.read()

    def content_type(self, path: str) -> str:
        with urllib.request.urlopen(self.url + path, timeout=WAIT) as response:
            return str(response.headers["Content-Type"])

    def stop(self, signum: int = signal.SIGINT) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            code = self.process.wait(timeout=WAIT)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        for pump in self.pumps:  # the rest of the output, up to the end of both streams
            pump.join(timeout=WAIT)
        while not self.lines.empty():
            self.output.append(self.lines.get())
        return code


class EventStream:
    """The server-sent-events stream, read one event at a time."""

    def __init__(self, url: str) -> None:
        self.response = urllib.request.urlopen(url + "__bulletin/events", timeout=WAIT)
        assert self.response.headers["Content-Type"] == "text/event-stream"

    def next_event(self) -> tuple[str, str]:
        name, data = "", ""
        while True:
            line = self.response.readline().decode("utf-8")
            if not line:
                pytest.fail("the event stream closed")
            line = line.rstrip("\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
            elif not line and name:
                return name, data

    def close(self) -> None:
        self.response.close()


@pytest.fixture
def served(make_site: Callable[..., Path]) -> Iterator[tuple[Served, Path]]:
    pytest.importorskip("watchfiles")
    site = make_site(WITH_PDF)
    server = Served(site)
    yield server, site
    server.stop()


def test_serve_rebuilds_reloads_and_shows_errors_until_fixed(served: tuple[Served, Path]) -> None:
    server, site = served
    status, home = server.get("")
    assert status == 200
    assert "Lead story" in home and 'new EventSource("/__bulletin/events")' in home
    status, page = server.get(ITEM_PAGE)
    assert "<strong>lead</strong> story text" in page
    # HEAD as GET answers (a link checker's): the page with its reload script, and no
    # listing of a folder that GET does not serve
    assert server.head("") == (200, len(home.encode("utf-8")), b"")
    assert server.head("issues/")[0] == server.get("issues/")[0] == 404
    # as the store will serve them: the text email's UTF-8 was read as Latin-1 ('HÃ©lÃ¨ne')
    assert server.content_type("issues/2026-01-winter/email.txt") == "text/plain; charset=utf-8"
    assert server.content_type("feed.xml") == "application/atom+xml; charset=utf-8"

    events = EventStream(server.url)
    name, first = events.next_event()
    assert name == "hello"

    item = site / ITEM
    original = item.read_text()
    item.write_text(original.replace("The **lead** story text.", "A *rewritten* lead."))
    assert events.next_event() == ("reload", str(int(first) + 1))
    status, page = server.get(ITEM_PAGE)
    assert status == 200 and "A <em>rewritten</em> lead." in page
    # The page reloads before the PDF is made; the next edit waits for it, or that build
    # could read the file half written and show a passing error.
    while not server.next_line().startswith("PDF edition and search index up to date"):
        pass

    item.write_text(original.replace("kind: feature", "kind: feature\ndate: 5 May"))
    assert events.next_event() == ("reload", str(int(first) + 2))
    for path in (ITEM_PAGE, "", "archive/"):  # every HTML page shows the errors
        status, page = server.get(path)
        assert status == 500
        assert "The site does not build" in page
        assert f"{ITEM}:4: date: expected" in page
        assert "EventSource" in page  # so that it reloads when the file is fixed
    status, css = server.get("assets/style.css")
    assert status == 200 and "EventSource" not in css

    item.write_text(original.replace("The **lead** story text.", "Fixed at last."))
    assert events.next_event() == ("reload", str(int(first) + 3))
    status, page = server.get(ITEM_PAGE)
    assert status == 200 and "Fixed at last." in page
    events.close()

    assert server.stop() == 0
    assert "Stopped." in "".join(server.output)
    # said as `bulletin build` says it
    assert f"{ITEM}:4: error: date: expected" in "".join(server.output)
    assert "Error: 1 error found.\n" in server.output
    assert not (site / "output").exists()  # serve never writes the site's own output


def test_serve_starts_with_a_broken_site_and_recovers(make_site: Callable[..., Path]) -> None:
    pytest.importorskip("watchfiles")
    site = make_site({"content/pages/about.md": "---\ntitle: [About\n---\nText.\n"})
    server = Served(site)
    try:
        status, page = server.get("pages/about/")
        assert status == 500 and "content/pages/about.md:2: the list that" in page
        events = EventStream(server.url)
        _, first = events.next_event()
        (site / "content/pages/about.md").write_text("---\ntitle: About us\n---\nText.\n")
        assert events.next_event() == ("reload", str(int(first) + 1))
        status, page = server.get("pages/about/")
        assert status == 200 and "About us" in page
        status, page = server.get("no/such/page/")
        assert status == 404 and "EventSource" in page
        events.close()
    finally:
        assert server.stop() == 0


def test_serve_lays_out_the_spare_folder_with_its_first_build(make_site: Callable[..., Path],
                                                              tmp_path: Path) -> None:
    """As after a first `bulletin build`: the first rebuild after a save then updates the
    spare folder instead of laying out every folder of the site again."""
    pytest.importorskip("watchfiles")
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    server = Served(make_site(), temporary=temporary)
    try:
        [workdir] = temporary.glob("bulletin-serve-*")
        assert (workdir / ".site.spare/index.html").samefile(workdir / "site/index.html")
    finally:
        assert server.stop() == 0


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_serve_killed_or_left_by_its_terminal_removes_its_folder(
        make_site: Callable[..., Path], tmp_path: Path, signum: int) -> None:
    # A preview folder left behind would be taken for an output still in use (its cache too).
    pytest.importorskip("watchfiles")
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    server = Served(make_site(), temporary=temporary)
    assert list(temporary.glob("bulletin-serve-*"))
    assert server.stop(signum) == 0
    assert not list(temporary.glob("bulletin-serve-*"))


def test_serve_reports_a_port_in_use(make_site: Callable[..., Path], runner: CliRunner) -> None:
    pytest.importorskip("watchfiles")
    from bulletin_gen.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(main, ["serve", str(make_site()), "--port", str(port)])
    assert result.exit_code == 1
    assert f"port {port} on 127.0.0.1 is already in use" in result.output
    assert f"--port {port + 1}" in result.output
    assert "Traceback" not in result.output


def test_serve_refuses_a_folder_that_holds_no_site(tmp_path: Path, runner: CliRunner) -> None:
    """It served an empty folder, and its build's error scrolled by under 'Serving'."""
    pytest.importorskip("watchfiles")
    from bulletin_gen.cli import main

    result = runner.invoke(main, ["serve", str(tmp_path), "--port", "0"])
    assert result.exit_code == 1
    assert f"{tmp_path / 'bulletin.yaml'}: error: no bulletin.yaml here" in result.output
    assert "Serving" not in result.output and not list(tmp_path.iterdir())


@pytest.mark.parametrize("command", ["serve", "build"])
def test_a_folder_inside_a_site_is_refused_naming_the_site(
        make_site: Callable[..., Path], runner: CliRunner, command: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`bulletin serve site/content` said that site/content/bulletin.yaml was missing."""
    from bulletin_gen.cli import main

    site = make_site()
    monkeypatch.chdir(site.parent)
    result = runner.invoke(main, [command, str(site / "content"), "--port", "0"][
        :4 if command == "serve" else 2])
    assert result.exit_code == 1
    assert f"{site / 'content'}: error: not a site's folder, but one inside the site at " \
           f"{site} (give the site's folder: {site.name})" in result.output
    assert not (site / "content" / CACHE_DIR).exists()


def test_reload_script_goes_before_the_closing_body() -> None:
    page = inject("<html><body><p>x</p></body></html>", 7)
    assert page.index("EventSource") < page.index("</body>")
    assert 'var built = "7"' in page
    assert inject("<p>fragment</p>", 1).startswith("<p>fragment</p><script>")


def test_error_page_escapes_what_it_shows() -> None:
    page = error_page(("content/x.md:3: <script>alert(1)</script>",), 2)
    assert "&lt;script&gt;alert(1)" in page
    assert "<script>alert(1)" not in page


def test_open_page_reloads_itself_after_an_edit(make_site: Callable[..., Path],
                                                browser: Any) -> None:
    pytest.importorskip("watchfiles")
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    site: Path = make_site()
    server = Served(site)
    try:
        browser.get(server.url + ITEM_PAGE)
        assert browser.find_element("css selector", "h1").text == "Lead story"
        browser.execute_script("window.bulletinMarker = 'before the edit';")

        item = site / ITEM
        original = item.read_text()
        item.write_text(original.replace("The **lead** story text.", "Edited while open."))
        # a reload can land between finding an element and reading it: look again
        wait = WebDriverWait(browser, WAIT, ignored_exceptions=(
            NoSuchElementException, StaleElementReferenceException))
        wait.until(lambda b: "Edited while open." in b.find_element("tag name", "main").text)
        assert browser.execute_script("return window.bulletinMarker") is None  # a fresh page

        item.write_text(original.replace("title: Lead story", "title: Lead story\ndate: 5 May"))
        # An edit while the PDF build runs may first show a passing error: wait for this one
        wait.until(lambda b: f"{ITEM}:3: date: expected" in b.page_source)
        assert "The site does not build" in browser.find_element("tag name", "main").text

        item.write_text(original.replace("title: Lead story", "title: Lead story, fixed"))
        wait.until(lambda b: b.find_element("css selector", "h1").text == "Lead story, fixed")
    finally:
        assert server.stop() == 0


def test_pages_open_in_many_tabs_all_load_and_the_one_in_sight_reloads(
        make_site: Callable[..., Path], browser: Any) -> None:
    """Each open tab held one of the six connections a browser opens to a host: a seventh
    page never loaded. A tab out of sight now lets go of it, and reloads once shown if the
    site was rebuilt meanwhile."""
    pytest.importorskip("watchfiles")
    from selenium.webdriver.support.ui import WebDriverWait

    site: Path = make_site()
    server = Served(site)
    try:
        browser.set_page_load_timeout(WAIT)
        browser.get(server.url + ITEM_PAGE)
        first = browser.current_window_handle
        for _ in range(8):
            browser.switch_to.new_window("tab")
            browser.get(server.url)  # times out while six streams hold every connection
            assert browser.find_element("css selector", "h1").text
        browser.switch_to.window(first)
        item = site / ITEM
        item.write_text(item.read_text().replace("The **lead** story text.", "Seen later."))
        WebDriverWait(browser, WAIT).until(
            lambda b: "Seen later." in b.find_element("tag name", "main").text)
    finally:
        assert server.stop() == 0


def test_watch_filter_sees_the_inputs_only(tmp_path: Path) -> None:
    pytest.importorskip("watchfiles")
    from watchfiles import Change

    from bulletin_gen.serve import watch_filter

    relevant = watch_filter(tmp_path)
    seen = {name: relevant(Change.modified, str(tmp_path / name)) for name in (
        "content/issues/a/01-x.md", "templates/item.html", "static/logo.png", "bulletin.yaml",
        "output/index.html", ".bulletin-cache/links.json", "content/issues/a/.01-x.md.swp",
        "notes.txt")}
    assert seen == {"content/issues/a/01-x.md": True, "templates/item.html": True,
                    "static/logo.png": True, "bulletin.yaml": True, "output/index.html": False,
                    ".bulletin-cache/links.json": False, "content/issues/a/.01-x.md.swp": False,
                    "notes.txt": False}


def pdf_bytes(server: Served, path: str) -> bytes:
    with urllib.request.urlopen(server.url + path, timeout=WAIT) as response:
        return bytes(response.read())


def pdf_text(server: Served, path: str) -> str:
    """The text of a PDF the server serves, as pdftotext reads it."""
    return subprocess.run([require_tool("pdftotext"), "-", "-"], input=pdf_bytes(server, path),
                          capture_output=True, check=True).stdout.decode("utf-8")


@pytest.mark.parametrize(("name", "temporary"), [
    ("sedAb12Z9", True), ("4913", True), ("01-x.md~", True), ("#01-x.md#", True),
    (".#01-x.md", True), (".01-x.md.swx", True), ("01-x.md.swp", True),
    ("01-x.md", False), ("sed-notes.md", False), ("4913-report.md", False),
    ("issue.yaml", False),
])
def test_watch_filter_ignores_editors_temporary_files(tmp_path: Path, name: str,
                                                      temporary: bool) -> None:
    pytest.importorskip("watchfiles")
    from watchfiles import Change

    from bulletin_gen.serve import watch_filter

    relevant = watch_filter(tmp_path)
    path = str(tmp_path / "content/issues/a" / name)
    assert relevant(Change.added, path) is not temporary


def test_an_edit_reloads_the_page_first_and_makes_the_pdf_after(
        served: tuple[Served, Path]) -> None:
    """sed -i writes a sedXXXXXX file beside the item and renames it: one change, the item's.
    The page reloads after a build without PDFs; the PDF comes with a second build."""
    server, site = served
    pdf = "issues/2026-01-winter/2026-01-winter.pdf"
    assert pdf_bytes(server, pdf).startswith(b"%PDF")
    events = EventStream(server.url)
    _, first = events.next_event()
    subprocess.run(["sed", "-i", "-e", "s/The \\*\\*lead\\*\\* story text./Edited by sed./",
                    "-e", "s/^kind: feature$/kind: feature\\ntagz: x/", str(site / ITEM)],
                   check=True)
    assert events.next_event() == ("reload", str(int(first) + 1))
    assert "Edited by sed." in server.get(ITEM_PAGE)[1]
    changed = server.next_line()
    assert re.fullmatch(r"\d\d:\d\d:\d\d changed: 01-lead\.md\n", changed), changed
    # stdout's lines in order; the warning (stderr) once, though both builds (the pages',
    # then the PDFs') find it
    lines = [server.next_line() for _ in range(3)]
    warning = f"{ITEM}:4: warning: unknown field 'tagz' (did you mean tags?)\n"
    assert lines.count(warning) == 1, lines
    lines.remove(warning)
    assert re.fullmatch(r"Built 1 issue, \d+ pages, 1 email in \d+\.\d s; 1 PDF and the "
                        r"search index to come\n", lines[0])
    assert re.fullmatch(r"PDF edition and search index up to date \(\d+\.\d s\)\n", lines[1])
    assert pdf_bytes(server, pdf).startswith(b"%PDF")
    # An edit that no PDF shows makes none, and says nothing of them.
    for number, text in enumerate(("About us.", "About the network."), start=2):
        (site / "content/pages/about.md").write_text(f"---\ntitle: About\n---\n{text}\n")
        assert events.next_event() == ("reload", str(int(first) + number))
        said = [server.next_line() for _ in range(3)]  # the warning (stderr) in any place
        said.remove(warning)
        assert said[0].endswith(" changed: about.md\n")
        assert re.fullmatch(r"Built 1 issue, \d+ pages, 1 PDF, 1 email in \d+\.\d s\n",
                            said[1])
    events.close()
    assert server.stop() == 0
    assert not any("sed" in line and "changed" in line for line in server.output[:-1]
                   if "01-lead" not in line)
    assert server.output.count(warning) == 3  # once a save


def test_a_save_soon_after_another_is_shown_before_the_pdfs_are_made(
        served: tuple[Served, Path]) -> None:
    """A save while the last save's PDFs were made waited for them (3-5 s on the demo site):
    the PDFs wait for a pause in the saves instead, and are made once."""
    server, site = served
    events = EventStream(server.url)
    _, first = events.next_event()
    item = site / ITEM
    original = item.read_text()
    item.write_text(original.replace("The **lead** story text.", "First save."))
    assert events.next_event() == ("reload", str(int(first) + 1))
    item.write_text(original.replace("The **lead** story text.", "Second save."))
    assert events.next_event() == ("reload", str(int(first) + 2))
    assert "Second save." in server.get(ITEM_PAGE)[1]
    said = [server.next_line() for _ in range(5)]
    later = "N PDF and the search index"
    assert [re.sub(r"\d+(\.\d+)?", "N", line.split(" changed: ")[-1]) for line in said] == [
        "N-lead.md\n", f"Built N issue, N pages, N email in N s; {later} to come\n",
        "N-lead.md\n", f"Built N issue, N pages, N email in N s; {later} to come\n",
        "PDF edition and search index up to date (N s)\n"], said
    assert "Second save." in pdf_text(server, "issues/2026-01-winter/2026-01-winter.pdf")
    events.close()
    assert server.stop() == 0


def test_a_template_error_is_said_in_the_terminal_as_build_says_it(
        make_site: Callable[..., Path]) -> None:
    """'Build failed:' and an indented line, with no 'error', escaped an editor's problem
    matcher, which reads the file and line of `bulletin build`'s 'path:line: error: ...'."""
    site = make_site({"templates/issue.html": '{% extends "base.html" %}\n{% if %}\n'})
    said: list[str] = []
    state = LiveState()
    assert _built(site, BuildOptions(pdf=False, jobs=1), state,
                  lambda text, _: said.append(text)) is None
    problem = ("templates/issue.html:2: Expected an expression, got 'end of statement block' "
               "(while rendering issues/2026-01-winter/index.html)")
    assert said == [problem.replace(": ", ": error: ", 1) + "\nError: 1 error found."]
    assert state.errors == (problem,)  # the browser's page too
