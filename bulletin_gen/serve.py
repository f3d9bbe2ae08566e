"""`bulletin serve`: a live preview that rebuilds on save and reloads the open browser tabs.

The site is built with drafts into a private temporary folder (never the site's output/), served
on loopback by `http.server` in a thread, and rebuilt whenever something under content/,
templates/, static/ or bulletin.yaml changes (watchfiles, in the main thread). Every HTML page
is served with a small script that listens on a server-sent-events stream and reloads the page
when the build generation changes. A failed build does not stop the server: until the next good
build, every HTML request gets a page listing the problems with their file and line.

The server answers only requests that name it by a loopback name or the address it serves on,
so that a web page elsewhere cannot read the preview (drafts included) through a domain name of
its own that it points at 127.0.0.1 (DNS rebinding). It serves a bounded number of connections
at once, each with a time limit, and a client that goes away early is no error.
"""

from __future__ import annotations

import contextlib
import errno
import html
import ipaddress
import math
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, AnyStr
from urllib.parse import urlsplit

import click

from .build import BuildOptions, BuildReport, build, check_site_dir
from .console import build_summary, plural
from .errors import BulletinError, ContentError, Problem
from .layout import CONFIG_FILE, INPUT_FOLDERS, editor_temporary
from .publish import content_type

EVENTS_PATH = "/__bulletin/events"
QUIET_MS = 1000  # after an edit, how long without a save before its PDFs and search are made
KEEPALIVE_SECONDS = 15.0  # a comment on the event stream this often notices closed tabs
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})
WILDCARDS = frozenset({"0.0.0.0", "::"})

# A tab out of sight lets go of its stream: a browser opens six connections at most to one
# host, and with six tabs listening a seventh page never loaded. Shown again, the tab listens
# again, and the stream's greeting says whether the site was rebuilt meanwhile.
RELOAD_SCRIPT = """<script>/* bulletin serve: reload when the site is rebuilt */
(function () {
  var built = "%s", events = null;
  function stop() { if (events) { events.close(); events = null; } }
  function check(event) { if (event.data !== built) { stop(); location.reload(); } }
  function listen() {
    if (events || document.hidden) return;
    events = new EventSource("%s");
    events.addEventListener("hello", check);
    events.addEventListener("reload", check);
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) stop(); else listen();
  });
  listen();
})();
</script>
"""


@dataclass
class LiveState:
    """The build generation the server shows, and the errors of the last build if it failed."""

    generation: int = 0
    errors: tuple[str, ...] = ()
    stopping: bool = False
    changed: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, errors: tuple[str, ...] = ()) -> None:
        """A build finished: record its outcome and wake every open event stream."""
        with self.changed:
            self.generation += 1
            self.errors = errors
            self.changed.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        """Block until the generation differs from `seen`, the server stops, or `timeout`."""
        with self.changed:
            self.changed.wait_for(lambda: self.generation != seen or self.stopping, timeout)
            return self.generation

    def stop(self) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()


class LiveServer(ThreadingHTTPServer):
    """An HTTP server that knows the folder it serves and the live state."""

    daemon_threads = True
    block_on_close = False  # open event streams must not hold up Ctrl-C
    # The listen backlog: a page and its assets, or many tabs reloading at once, wait in the
    # queue instead of being refused and retried a second later (the default is 5).
    request_queue_size = 128
    # Each connection is a thread: at most this many at once (every open tab holds one for its
    # event stream), and a connection that sends nothing for `timeout` seconds is closed.
    max_connections = 64
    timeout_seconds = 10.0

    def __init__(self, address: tuple[str, int], root: Path, state: LiveState) -> None:
        self.root = root
        self.state = state
        self.slots = threading.BoundedSemaphore(self.max_connections)
        super().__init__(address, LiveHandler)
        bound = str(self.server_address[0])
        self.names = host_names(address[0], bound)
        self.any_address = bound in WILDCARDS  # see `host_names`

    def process_request(self, request: Any, client_address: Any) -> None:
        """A thread for the connection while there is a free slot; else '503' at once."""
        if not self.slots.acquire(blocking=False):
            with contextlib.suppress(OSError):
                request.sendall(b"HTTP/1.0 503 Service Unavailable\r\nRetry-After: 1\r\n"
                                b"Content-Length: 0\r\n\r\n")
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:  # no thread started: nothing else will give the slot back
            self.slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that disconnects or stalls is ordinary (a tab closed, a reload): not worth
        a traceback. Anything else is a bug and keeps its traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)

    def serves(self, host: str | None) -> bool:
        """Whether a request with this Host header is for this server (see `host_names`)."""
        if not host:
            return False
        name = host.strip().lower()
        if name.startswith("["):
            name = name[:name.find("]") + 1]
        else:
            name = name.rpartition(":")[0] or name
        name = name.removesuffix(".")
        return name in self.names or (self.any_address and _is_address(name))


class LiveHandler(SimpleHTTPRequestHandler):
    """Serves the built site, the reload script in every HTML page, and the event stream."""

    server: LiveServer

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, directory=str(args[2].root), **kwargs)

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.timeout_seconds)

    def parse_request(self) -> bool:
        """The request line and headers; refused unless its Host names this server."""
        if not super().parse_request():
            return False
        host = self.headers.get("Host")
        if self.server.serves(host):
            return True
        port = self.server.server_address[1]
        self.send_error(HTTPStatus.MISDIRECTED_REQUEST, "Not a name of this preview server",
                        f"bulletin serve answers only requests for localhost, 127.0.0.1 or the "
                        f"address it serves on, not {host or 'a request without a Host'}: a web "
                        f"page elsewhere must not read the preview. Open "
                        f"http://127.0.0.1:{port}/ instead.")
        return False

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        """As GET answers, without the body: a link checker asks with HEAD."""
        self._answer(head=True)

    def _answer(self, head: bool) -> None:
        path = urlsplit(self.path).path
        if path == EVENTS_PATH:
            self._events(head)
            return
        target = Path(self.translate_path(self.path))
        try:
            if target.is_dir() and path.endswith("/"):
                target = target / "index.html"
            exists, is_file = target.exists(), target.is_file()
        except OSError:  # a name longer than the file system allows, say: nothing is there
            exists = is_file = False
        wants_html = target.suffix == ".html" or not target.suffix
        state = self.server.state
        not_found = not_found_page(self.server.root, path)
        if state.errors and wants_html:
            self._send_html(500, error_page(state.errors, state.generation).encode("utf-8"),
                            head)
        elif target.suffix == ".html" and is_file:
            self._send_html(200, inject(target.read_bytes(), state.generation), head)
        elif wants_html and not exists and not_found.is_file():
            self._send_html(404, inject(not_found.read_bytes(), state.generation), head)
        elif head:
            super().do_HEAD()
        else:
            super().do_GET()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a reload must fetch the new build
        super().end_headers()

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        """The type the published file will have: without a charset, a browser read the text
        email's UTF-8 as Latin-1 ('HÃ©lÃ¨ne')."""
        return content_type(os.fspath(path))

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the editor watches the browser, not the request log."""

    def _send_html(self, status: int, data: bytes, head: bool = False) -> None:
        """Send a page as it is; one not in UTF-8 (a file of static/) goes without a charset,
        for the browser to take it from the page's own <meta charset>."""
        try:
            data.decode("utf-8")
            kind = "text/html; charset=utf-8"
        except UnicodeDecodeError:
            kind = "text/html"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _events(self, head: bool = False) -> None:
        """A server-sent-events stream: 'hello' with the current generation, then 'reload'."""
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        if head:
            return
        state = self.server.state
        seen = state.generation
        try:
            self._send_event(f"retry: 1000\nevent: hello\ndata: {seen}\n\n")
            while not state.stopping:
                current = state.wait(seen, KEEPALIVE_SECONDS)
                if state.stopping:
                    break
                if current == seen:
                    self._send_event(": still here\n\n")
                else:
                    seen = current
                    self._send_event(f"event: reload\ndata: {seen}\n\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the tab was closed or reloaded

    def _send_event(self, text: str) -> None:
        self.wfile.write(text.encode("utf-8"))
        self.wfile.flush()


def host_names(typed: str, bound: str) -> frozenset[str]:
    """The names a request may give this server in its Host header: the loopback names, the
    host it was asked to serve on and the address it bound. Bound to every address (0.0.0.0),
    it also answers to any IP address: a DNS-rebinding page needs a domain name of its own."""
    names = {name.lower() for name in (typed, bound)}
    return frozenset(LOOPBACK_NAMES | {f"[{name}]" if ":" in name else name for name in names})


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def inject(page: AnyStr, generation: int) -> AnyStr:
    """The page with the reload script before its closing </body> (or at its end). A page
    given as bytes stays in its own encoding (any that writes ASCII as ASCII)."""
    script = RELOAD_SCRIPT % (generation, EVENTS_PATH)
    if isinstance(page, bytes):
        return _before_body_end(page, script.encode("ascii"), b"</body>")
    return _before_body_end(page, script, "</body>")


def _before_body_end(page: AnyStr, script: AnyStr, end: AnyStr) -> AnyStr:
    at = page.lower().rfind(end)
    return page + script if at < 0 else page[:at] + script + page[at:]


def error_page(errors: tuple[str, ...], generation: int) -> str:
    """The page shown for every HTML request while the site does not build."""
    rows = "\n".join(f"<li><pre>{html.escape(line)}</pre></li>" for line in errors)
    page = f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Build failed · bulletin serve</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}}
h1{{color:#a00}} pre{{white-space:pre-wrap;background:#fff4f4;border-left:4px solid #a00;
padding:.5rem 1rem;margin:0}} li{{list-style:none;margin:.5rem 0}} ul{{padding:0}}</style></head>
<body><main>
<h1>The site does not build</h1>
<p>Fix the {'problem' if len(errors) == 1 else 'problems'} below and save: this page reloads
by itself.</p>
<ul class="build-errors">
{rows}
</ul>
</main></body>
</html>
"""
    return inject(page, generation)


def describe_failure(error: Exception) -> tuple[str, ...]:
    """One line per problem ('content/x.md:4: ...'); a bug keeps its traceback."""
    if isinstance(error, ContentError):
        return tuple(str(problem) for problem in error.problems)
    if isinstance(error, BulletinError):
        return (error.format_message(),)
    return ("bulletin-gen failed unexpectedly (a bug; please report it):\n"
            + "".join(traceback.format_exception(error)),)


def not_found_page(root: Path, path: str) -> Path:
    """The 404 page for a missing `path`: its language's ('/es/x' -> es/404.html) where the
    site has one, else the root's."""
    first = path.lstrip("/").partition("/")[0]
    own = root / first / "404.html"
    try:
        if first and first not in (".", "..") and own.is_file():
            return own
    except OSError:  # a name longer than the file system allows: no language of the site
        pass
    return root / "404.html"


def open_server(host: str, port: int, root: Path, state: LiveState) -> LiveServer:
    """Bind the server; a port in use is an error that suggests another."""
    try:
        return LiveServer((host, port), root, state)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise BulletinError(f"port {port} on {host} is already in use (is another "
                                f"`bulletin serve` running?). Choose another with "
                                f"--port {port + 1}, or --port 0 for any free port.") from None
        raise BulletinError(f"cannot serve on {host}:{port}: {error.strerror}") from None


def _built(site_dir: Path, options: BuildOptions, state: LiveState,
           say: Callable[[str, bool], None], said: frozenset[Problem] = frozenset()
           ) -> BuildReport | None:
    """Build once; a failure is published and shown, never raised (None). Warnings are said
    as `bulletin build` says them, but for those in `said` (the same save's first build)."""
    try:
        report = build(site_dir, options)
    except Exception as error:  # the server must outlive any failed build
        lines = describe_failure(error)
        state.publish(lines)
        if isinstance(error, ContentError):  # as `bulletin build` says it
            say(error.format_message(), True)
        elif isinstance(error, BulletinError):  # the output folder's, say: as `build` says it
            say(f"Error: {error.format_message()}", True)
        else:
            say("Build failed:\n" + "\n".join(f"  {line}" for line in lines), True)
        return None
    for warning in report.warnings:
        if warning not in said:
            say(warning.said_as("warning"), True)
    return report


def rebuild(site_dir: Path, options: BuildOptions, state: LiveState,
            say: Callable[[str, bool], None]) -> BuildReport | None:
    """Build once and publish the outcome (open pages reload); the report when the site built."""
    report = _built(site_dir, options, state, say)
    if report is None:
        return None
    state.publish()
    summary = build_summary(report.issues, report.pages, report.pdfs, report.emails,
                            report.seconds)
    later = _left_for_later(report)
    say(summary + (f"; {later} to come" if later else ""), False)
    return report


def _left_for_later(report: BuildReport) -> str:
    """What a `finish_later` build left for the next: '1 PDF and the search index', ''."""
    parts = [plural(report.pdfs_later, "PDF")] if report.pdfs_later else []
    if report.search_later:
        parts.append("the search index")
    return " and ".join(parts)


def rebuild_pages(site_dir: Path, options: BuildOptions, state: LiveState,
                  say: Callable[[str, bool], None]) -> BuildReport | None:
    """After an edit, the build that leaves out the PDFs (the pages still link to them) and
    keeps the last search index, so that the browser reloads as soon as the pages are
    written; its report, which says what is left for `finish`, when the site built."""
    return rebuild(site_dir, replace(options, finish_later=True), state, say)


def finish(site_dir: Path, options: BuildOptions, state: LiveState,
           say: Callable[[str, bool], None], first: BuildReport) -> None:
    """The build that makes what `rebuild_pages` (`first`) left for later. Its pages are the
    same bytes, so it reloads nothing unless it fails; it says only the warnings of its own
    (of the PDFs)."""
    report = _built(site_dir, options, state, say, frozenset(first.warnings))
    if report is not None:
        done = ("PDF edition and search index" if first.pdfs_later and first.search_later
                else "PDF edition" if first.pdfs_later else "Search index")
        say(f"{done} up to date ({report.seconds:.1f} s)", False)


def watch_filter(site_dir: Path) -> Callable[[Any, str], bool]:
    """watchfiles' default filter (no editor swap files, no .git) limited to the site's inputs."""
    from watchfiles import DefaultFilter

    default = DefaultFilter()
    root = site_dir.resolve()

    def relevant(change: Any, path: str) -> bool:
        try:
            parts = Path(path).relative_to(root).parts
        except ValueError:
            return False
        inside = bool(parts) and (parts[0] in INPUT_FOLDERS or parts == (CONFIG_FILE,))
        return inside and not editor_temporary(parts[-1]) and default(change, path)

    return relevant


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(site_dir: Path, host: str = "127.0.0.1", port: int = 8000,
          options: BuildOptions | None = None) -> None:
    """Build, serve and watch `site_dir` until Ctrl-C."""
    try:
        from watchfiles import watch
    except ImportError:
        raise BulletinError("bulletin serve needs watchfiles: "
                            "pip install 'bulletin-gen[serve]'") from None
    check_site_dir(site_dir)
    workdir = Path(tempfile.mkdtemp(prefix="bulletin-serve-"))
    # Made by the first build, not here: a build into a folder that does not exist yet also
    # lays out the spare folder, so that the first rebuild after a save is as quick as the rest.
    root = workdir / "site"
    state = LiveState()
    try:
        server = open_server(host, port, root, state)
    except BulletinError:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    url = f"http://{host}:{server.server_address[1]}/"

    def say(text: str, error: bool) -> None:
        click.echo(text, err=error)

    def waiting(holder: str) -> None:
        say(f"Waiting for another build of this site ({holder}) to end...", False)

    # A rebuild waits for a `bulletin build` of the site as long as that takes (sitelock.py).
    options = replace(options or BuildOptions(), output=root, drafts=True, base_url=url,
                      preview=True, wait=math.inf, waiting=waiting)

    thread = threading.Thread(target=server.serve_forever, name="bulletin-serve", daemon=True)
    # `kill`, or closing the terminal, stops as cleanly as Ctrl-C: the preview's folder goes.
    stops = [signal.SIGTERM, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])]
    previous = {stop: signal.signal(stop, _interrupt) for stop in stops}
    try:
        rebuild(site_dir, options, state, say)
        thread.start()
        say(f"Serving {site_dir.resolve()} at {url} (drafts included). Watching content/, "
            f"templates/, static/ and {CONFIG_FILE}; press Ctrl-C to stop.", False)
        # The PDFs and search bundles an edit changed are made once no save has come for
        # QUIET_MS: a save while they were made waited for them (3-5 s on the demo site).
        unfinished: tuple[BuildReport, float] | None = None
        for changes in watch(site_dir, watch_filter=watch_filter(site_dir), debounce=300,
                             step=50, raise_interrupt=True, yield_on_timeout=True,
                             rust_timeout=QUIET_MS // 4):
            if changes:
                started = time.strftime("%H:%M:%S")
                names = sorted({Path(path).name for _, path in changes})
                say(f"{started} changed: {', '.join(names[:5])}"
                    f"{' ...' if len(names) > 5 else ''}", False)
                first = rebuild_pages(site_dir, options, state, say)
                due = time.monotonic() + QUIET_MS / 1000
                if first is None:  # a failed build: the next that succeeds says what is left
                    unfinished = None
                elif first.pdfs_later or first.search_later:
                    unfinished = (first, due)
                elif unfinished is not None:  # found nothing changed: what is left still waits
                    unfinished = (unfinished[0], due)
            elif unfinished is not None and time.monotonic() >= unfinished[1]:
                finish(site_dir, options, state, say, unfinished[0])
                unfinished = None
    except KeyboardInterrupt:
        pass
    finally:
        for stop, handler in previous.items():
            signal.signal(stop, handler)
        state.stop()
        if thread.is_alive():
            server.shutdown()
        server.server_close()
        shutil.rmtree(workdir, ignore_errors=True)
    say("Stopped.", False)
