"""bulletin publish: to an S3 API served on this machine by moto, and to a GitHub Pages branch
of a local bare git repository. No network."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import MINIMAL_SITE, age

from bulletin_gen.build import BuildOptions, build
from bulletin_gen.cli import main
from bulletin_gen.write import MARKER

boto3 = pytest.importorskip("boto3")
moto_server = pytest.importorskip("moto.server")

BUCKET = "bulletin-site"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    port = free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def store(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """An empty bucket, with credentials in the environment as boto3 reads them."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    client = boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-1")
    if BUCKET in [b["Name"] for b in client.list_buckets()["Buckets"]]:
        # What the test before left, in one request a page (of up to 1,000 keys): one request
        # a key took half a second a test.
        while left := client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
            client.delete_objects(Bucket=BUCKET, Delete={
                "Objects": [{"Key": item["Key"]} for item in left]})
    else:
        client.create_bucket(Bucket=BUCKET,
                             CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    client.put_object(Bucket=BUCKET, Key="other/keep.txt", Body=b"not the site's")
    return client


# Where the sites published here are read: not an example's address, which publish warns of.
SITE_SETTINGS = MINIMAL_SITE["bulletin.yaml"].rstrip(" ").replace(
    "https://example.org/news/", "https://news.meridian-network.org/")

# A French translation of the issue and an issue of 2025: search bundles below `fr/pagefind/`
# and `pagefind/2025/` besides the newest issue's `pagefind/`.
MORE_BUNDLES: dict[str, str | bytes | None] = {
    "content/issues/2026-01-winter/issue.fr.yaml": "title: Janvier 2026\n",
    "content/issues/2026-01-winter/01-lead.fr.md": "---\ntitle: Article\n---\nLe texte.\n",
    "content/issues/2025-06-june.md": "---\ntitle: June 2025\ndate: 2025-06-10\n---\n"
                                      "## Earlier news\n\nA story of last year.\n",
}


def s3_site(make_site: Callable[..., Path], endpoint: str, settings: str = "",
            files: dict[str, str | bytes | None] | None = None) -> Path:
    """The minimal site (with `settings` and `files` added) publishing to the bucket."""
    site = make_site({"bulletin.yaml": SITE_SETTINGS
                      + textwrap.indent(settings, " " * 8) + f"""\
        publish:
          production: {{type: s3, bucket: {BUCKET}, prefix: news/, endpoint_url: "{endpoint}"}}
        """, **(files or {})})
    age(site)
    return site


def publish(site: Path, *args: str) -> Any:
    return CliRunner().invoke(main, ["publish", str(site), *args])


def next_second() -> None:
    """Wait into the next whole second of the clock (that of the store on this machine too):
    whatever was written before is then of an earlier second, as after a sleep of 1.1 s."""
    time.sleep(1 - time.time() % 1 + 0.05)


def keys(client: Any) -> dict[str, str]:
    return {item["Key"]: item["ETag"]
            for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_a_first_publish_uploads_everything_with_types_and_headers(
        make_site: Callable[..., Path], endpoint: str, store: Any) -> None:
    site = s3_site(make_site, endpoint, "languages: {fr: {}}\n", MORE_BUNDLES)
    output = build(site, BuildOptions(jobs=1, pdf=False)).output
    result = publish(site)
    assert result.exit_code == 0, result.output
    files = [p for p in output.rglob("*") if p.is_file() and p.name != ".bulletin-output"]
    assert f"Uploaded {len(files)} new and 0 changed files to s3://{BUCKET}/news/" in result.output
    assert set(keys(store)) == {"news/" + p.relative_to(output).as_posix() for p in files} | {
        "other/keep.txt"}
    page = store.head_object(Bucket=BUCKET, Key="news/index.html")
    assert page["ContentType"] == "text/html; charset=utf-8"
    assert page["CacheControl"] == "public, max-age=300"
    assert len(page["Metadata"]["sha256"]) == 64
    feed = store.head_object(Bucket=BUCKET, Key="news/feed.xml")
    assert feed["ContentType"] == "application/atom+xml; charset=utf-8"
    css = store.head_object(Bucket=BUCKET, Key="news/assets/style.css")
    assert css["CacheControl"] == "public, max-age=3600"
    # Kept for good: only the search index's files that Pagefind names by a hash of their
    # bytes, in every bundle; its scripts, wasm and entry keep their names as they change.
    search = {key: store.head_object(Bucket=BUCKET, Key=key)["CacheControl"]
              for key in keys(store) if "/pagefind/" in key}
    immutable = {key for key, cache in search.items()
                 if cache == "public, max-age=31536000, immutable"}
    assert immutable == {key for key in search if key.endswith(
        (".pf_fragment", ".pf_index", ".pf_filter", ".pf_meta"))}
    for bundle in ("news/pagefind/", "news/pagefind/2025/", "news/fr/pagefind/"):
        for named in ("fragment/", "index/", "filter/", "pagefind."):
            assert any(key.startswith(bundle + named) for key in immutable), bundle + named


def test_a_second_publish_uploads_nothing_and_an_edit_only_what_changed(
        make_site: Callable[..., Path], endpoint: str, store: Any) -> None:
    site = s3_site(make_site, endpoint)
    build(site, BuildOptions(jobs=1, pdf=False))
    assert publish(site).exit_code == 0
    again = publish(site)
    assert "Uploaded 0 new and 0 changed files" in again.output
    before = keys(store)
    lead = site / "content/issues/2026-01-winter/01-lead.md"
    lead.write_text(lead.read_text("utf-8").replace("story text", "story, edited"), "utf-8")
    build(site, BuildOptions(jobs=1, pdf=False))
    result = publish(site)
    assert result.exit_code == 0, result.output
    after = keys(store)
    changed = {key for key in after if after[key] != before.get(key)}
    assert "news/issues/2026-01-winter/lead/index.html" in changed
    assert "news/assets/style.css" not in changed
    assert len(changed) < len(after) / 2


def test_headers_that_changed_reach_the_bucket_with_the_same_bytes(
        make_site: Callable[..., Path], endpoint: str, store: Any) -> None:
    site = s3_site(make_site, endpoint)
    build(site, BuildOptions(jobs=1, pdf=False))
    assert publish(site).exit_code == 0
    # an object whose bytes are right but whose metadata another tool replaced
    store.copy_object(Bucket=BUCKET, Key="news/assets/style.css", MetadataDirective="REPLACE",
                      CopySource={"Bucket": BUCKET, "Key": "news/assets/style.css"},
                      ContentType="text/css", Metadata={})
    config = site / "bulletin.yaml"
    config.write_text(config.read_text("utf-8").replace(
        "endpoint_url:", 'cache_pages: "public, max-age=60", endpoint_url:'), "utf-8")
    age(site)
    output = build(site, BuildOptions(jobs=1, pdf=False)).output
    result = publish(site)
    assert result.exit_code == 0, result.output
    pages = [p for p in output.rglob("*") if p.suffix in (".html", ".xml", ".txt", ".json")]
    assert f"Uploaded 0 new and {len(pages) + 1} changed files" in result.output
    assert store.head_object(Bucket=BUCKET, Key="news/index.html")["CacheControl"] == \
        "public, max-age=60"
    css = store.head_object(Bucket=BUCKET, Key="news/assets/style.css")
    assert (css["ContentType"], len(css["Metadata"]["sha256"])) == ("text/css; charset=utf-8", 64)
    assert "Uploaded 0 new and 0 changed files" in publish(site).output


def test_a_publish_reads_the_headers_only_of_objects_changed_since_the_last(
        make_site: Callable[..., Path], endpoint: str, store: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from bulletin_gen import publish as module

    heads: list[str] = []
    real = module._client

    def counting(target: Any) -> Any:
        client = real(target)
        client.meta.events.register("before-call.s3.HeadObject",
                                    lambda params, **_: heads.append(params["url_path"]))
        return client

    monkeypatch.setattr(module, "_client", counting)
    site = s3_site(make_site, endpoint)
    build(site, BuildOptions(jobs=1, pdf=False))
    assert publish(site).exit_code == 0
    next_second()  # the store's times are whole seconds: what it wrote is now in the past
    assert publish(site).exit_code == 0
    heads.clear()
    assert "Uploaded 0 new and 0 changed files" in publish(site).output
    assert heads == []
    # another tool changes an object: only that one is read, and sent again
    next_second()
    store.copy_object(Bucket=BUCKET, Key="news/feed.xml", MetadataDirective="REPLACE",
                      CopySource={"Bucket": BUCKET, "Key": "news/feed.xml"}, Metadata={})
    result = publish(site)
    assert "Uploaded 0 new and 1 changed files" in result.output
    assert heads == ["/news/feed.xml"]
    (site / ".bulletin-cache/published-production.json").write_text("{damaged", "utf-8")
    assert "Uploaded 0 new and 0 changed files" in publish(site).output


def test_delete_removes_a_deleted_page_and_nothing_outside_the_prefix(
        make_site: Callable[..., Path], endpoint: str, store: Any) -> None:
    site = s3_site(make_site, endpoint)
    build(site, BuildOptions(jobs=1, pdf=False))
    assert publish(site).exit_code == 0
    (site / "content/pages/about.md").unlink()
    (site / "bulletin.yaml").write_text((site / "bulletin.yaml").read_text("utf-8").replace(
        "nav: [about]", "nav: []"), "utf-8")
    build(site, BuildOptions(jobs=1, pdf=False))
    # Without --delete, the page still read there is said.
    kept = publish(site, "--dry-run")
    assert kept.output.strip().endswith(
        "; 1 file no longer in the site is left there (--delete removes it)"), kept.output
    dry = publish(site, "--delete", "--dry-run")
    assert "would delete pages/about/index.html" in dry.output
    assert "news/pages/about/index.html" in keys(store)  # a dry run changes nothing
    result = publish(site, "--delete")
    assert result.exit_code == 0, result.output
    assert "news/pages/about/index.html" not in keys(store)
    assert "other/keep.txt" in keys(store)


def test_an_interrupted_publish_finishes_on_the_next_run(
        make_site: Callable[..., Path], endpoint: str, store: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from bulletin_gen import publish as module

    site = s3_site(make_site, endpoint)
    output = build(site, BuildOptions(jobs=1, pdf=False)).output
    real = module._stages

    def cut_short(uploads: list[Any]) -> Any:  # the first stage only, then the process "dies"
        yield next(iter(real(uploads)))
        raise KeyboardInterrupt

    monkeypatch.setattr(module, "_stages", cut_short)
    with pytest.raises(KeyboardInterrupt):
        module.publish_site(site, say=lambda line: None)
    monkeypatch.undo()
    assert "news/index.html" not in keys(store)  # the entry points go last
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    result = publish(site)
    assert result.exit_code == 0, result.output
    files = [p for p in output.rglob("*") if p.is_file() and p.name != ".bulletin-output"]
    assert len([k for k in keys(store) if k.startswith("news/")]) == len(files)


def test_wrong_credentials_and_a_missing_bucket_are_one_clear_line(
        make_site: Callable[..., Path], endpoint: str, store: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    site = s3_site(make_site, endpoint)
    build(site, BuildOptions(jobs=1, pdf=False))
    (site / "bulletin.yaml").write_text((site / "bulletin.yaml").read_text("utf-8").replace(
        f"bucket: {BUCKET}", "bucket: no-such-bucket"), "utf-8")
    build(site, BuildOptions(jobs=1, pdf=False))
    result = publish(site)
    assert result.exit_code == 1
    assert result.output.strip() == ("Error: there is no bucket 'no-such-bucket' (check "
                                     "'bucket:' of 'production' in bulletin.yaml)")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    result = publish(site)
    assert result.exit_code == 1
    assert "Error: no credentials for the store" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("environment", "message"), [
    ({"AWS_SECRET_ACCESS_KEY": ""}, "Error: the credentials for the store are incomplete: "),
    ({"AWS_PROFILE": "newsroom"}, "Error: The config profile (newsroom) could not be found "
                                  "(AWS_PROFILE names a profile of ~/.aws/config"),
])
def test_credentials_set_up_wrong_are_one_clear_line(
        make_site: Callable[..., Path], endpoint: str, store: Any,
        monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], message: str) -> None:
    """What CI passes when one of its secrets is missing, and a profile misspelt."""
    site = s3_site(make_site, endpoint)
    build(site, BuildOptions(jobs=1, pdf=False))
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    result = publish(site, "--dry-run")
    assert result.exit_code == 1
    assert result.output.startswith(message), result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("how", "message"), [
    ("drafts", "the output was built with --drafts"),
    ("stale", "the site changed since the last build (content/issues/2026-01-winter/"
              "01-lead.md saved since)"),
    ("upgraded", "bulletin-gen itself changed since the last build (upgraded, or its code "
                 "edited)"),
    ("failed", "the site's last build did not finish"),
    # Previews: the live PDFs would be deleted, or every link lead to the editor's machine.
    ("no-pdf", "the output was built with --no-pdf (its PDFs left out)"),
    ("base-url", "the output was built with --base-url http://localhost:8080/ (its links lead "
                 "there, not to bulletin.yaml's base_url)"),
])
def test_publish_refuses_a_draft_stale_failed_or_preview_build(
        make_site: Callable[..., Path], endpoint: str, store: Any, how: str,
        message: str) -> None:
    site = s3_site(make_site, endpoint)
    if how == "no-pdf":  # bulletin.yaml's print edition on, as by default
        settings = site / "bulletin.yaml"
        settings.write_text(settings.read_text("utf-8").replace("pdf: {enabled: false}", ""),
                            "utf-8")
    build(site, BuildOptions(jobs=1, pdf=False, drafts=how == "drafts",
                             base_url="http://localhost:8080/" if how == "base-url" else None))
    if how == "stale":
        lead = site / "content/issues/2026-01-winter/01-lead.md"
        lead.write_text(lead.read_text("utf-8") + "\nMore.\n", "utf-8")
    if how == "upgraded":  # as the record of a build by an earlier version reads
        record = site / ".bulletin-cache/last-build.json"
        record.write_text(record.read_text("utf-8").replace('"code": "', '"code": "old '),
                          "utf-8")
    if how == "failed":
        (site / "content/issues/2026-01-winter/01-lead.md").write_text("---\n---\nx\n", "utf-8")
        with pytest.raises(Exception):  # noqa: B017 - any content error
            build(site, BuildOptions(jobs=1, pdf=False))
    result = publish(site)
    assert result.exit_code == 1
    assert message in result.output
    assert keys(store) == {"other/keep.txt": keys(store)["other/keep.txt"]}


def test_a_base_url_given_to_the_build_is_the_sites_where_bulletin_yaml_gives_none(
        make_site: Callable[..., Path], endpoint: str, store: Any) -> None:
    """errors.md tells an editor without base_url to pass --base-url: publish takes that build,
    and the same address written with or without its last slash."""
    site = s3_site(make_site, endpoint)
    settings = site / "bulletin.yaml"
    settings.write_text(settings.read_text("utf-8").replace(
        "base_url: https://news.meridian-network.org/\n", ""), "utf-8")
    build(site, BuildOptions(jobs=1, pdf=False, base_url="https://news.meridian-network.org/"))
    result = publish(site, "--dry-run")
    assert result.exit_code == 0, result.output
    settings.write_text(settings.read_text("utf-8") + "base_url: https://news.meridian-network.org\n",
                        "utf-8")
    build(site, BuildOptions(jobs=1, pdf=False, base_url="https://news.meridian-network.org/"))
    assert publish(site, "--dry-run").exit_code == 0


PAGES_SETTINGS = SITE_SETTINGS + """\
        publish:
          pages: {type: github-pages, branch: gh-pages}
        """


@pytest.mark.parametrize(("start_in", "built_as", "published_as"), [
    ("site", [], []),  # SITE left out, from inside the site: as the CI workflow runs
    ("site", ["."], ["."]),
    (".", ["site"], ["site/"]),  # relative, then with a trailing slash
    (".", ["site"], ["{tmp}/site/"]),  # relative, then absolute
    (".", ["link"], ["site"]),  # through a symbolic link to the site, then not
    ("site", [], ["{tmp}/link"]),
])
def test_publish_finds_the_last_build_however_the_site_is_named(
        make_site: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        start_in: str, built_as: list[str], published_as: list[str]) -> None:
    site = make_site({"bulletin.yaml": PAGES_SETTINGS})
    (tmp_path / "link").symlink_to(site, target_is_directory=True)
    git("init", "-q", cwd=site)
    age(site)
    monkeypatch.chdir(tmp_path / start_in)
    runner = CliRunner()
    built = runner.invoke(main, ["build", *built_as, "--no-pdf"])
    assert built.exit_code == 0, built.output
    named = [arg.format(tmp=tmp_path) for arg in published_as]
    result = runner.invoke(main, ["publish", *named, "--dry-run", "--no-push"])
    assert result.exit_code == 0, result.output
    assert f"Would commit {site / 'output'} to the branch 'gh-pages' of the repository {site}: " \
        in result.output


def test_the_ci_workflow_of_bulletin_init_checks_builds_and_publishes(
        tmp_path: Path, endpoint: str, store: Any) -> None:
    """Run as the workflow runs its steps: in a shell, in the checkout of the site. A new site
    names no destination, and its first push failed at `bulletin publish`."""
    yaml = pytest.importorskip("yaml")
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(tmp_path / "site")]).exit_code == 0
    site = tmp_path / "site"
    workflow = yaml.safe_load((site / ".github/workflows/publish.yml").read_text("utf-8"))
    steps = [step["run"] for step in workflow["jobs"]["publish"]["steps"]
             if "bulletin " in step.get("run", "")]
    assert [step.split()[:2] for step in steps[:2]] == [["bulletin", "check"],
                                                        ["bulletin", "build"]]
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"

    def run(step: str) -> str:
        done = subprocess.run(["bash", "-e", "-c", step], cwd=site, capture_output=True,
                              text=True, env={**os.environ, "PATH": path}, check=False)
        assert done.returncode == 0, f"{step}: {done.stdout}{done.stderr}"
        return done.stdout + done.stderr

    with (site / "bulletin.yaml").open("a", encoding="utf-8") as settings:
        settings.write("pdf: {enabled: false}\n")
    age(site)
    said = [run(step) for step in steps]
    assert "No 'publish:' destination in bulletin.yaml yet: built, not published." in said[2]
    with (site / "bulletin.yaml").open("a", encoding="utf-8") as settings:
        settings.write(f"publish:\n  production: {{type: s3, bucket: {BUCKET}, "
                       f"endpoint_url: \"{endpoint}\"}}\n")
    age(site)
    run(steps[1])
    assert "Uploaded" in run(steps[2])
    assert "index.html" in keys(store) and "feed.xml" in keys(store)


def test_an_output_moved_emptied_or_replaced_since_the_build_is_not_published(
        make_site: Callable[..., Path], endpoint: str, store: Any, tmp_path: Path) -> None:
    """Taken as the build, a missing output had --delete empty the destination."""
    site = s3_site(make_site, endpoint)
    build(site, BuildOptions(jobs=1, pdf=False))
    output = site / "output"
    output.rename(tmp_path / "away")
    for damaged in ("moved", "replaced", "emptied"):
        if damaged == "replaced":
            output.mkdir()
            (output / MARKER).write_text("", "utf-8")
        if damaged == "emptied":
            shutil.rmtree(output)
            (tmp_path / "away").rename(output)
            (output / MARKER).unlink()
        result = publish(site, "--delete", "--dry-run")
        assert result.exit_code == 1, (damaged, result.output)
        assert "is not the folder the last build wrote" in result.output, result.output
    shutil.rmtree(output)  # no longer a build's (no marker): the build would not replace it
    build(site, BuildOptions(jobs=1, pdf=False))
    result = publish(site, "--delete")
    assert result.exit_code == 0, result.output
    assert "news/index.html" in keys(store)


def test_a_preview_build_leaves_the_last_build_to_publish(
        make_site: Callable[..., Path], endpoint: str, store: Any, tmp_path: Path) -> None:
    # As `bulletin serve` builds: drafts, into a folder of its own, while the output stands.
    site = s3_site(make_site, endpoint)
    build(site, BuildOptions(jobs=1, pdf=False))
    build(site, BuildOptions(jobs=1, pdf=False, drafts=True, output=tmp_path / "preview",
                             preview=True))
    result = publish(site)
    assert result.exit_code == 0, result.output
    assert "news/issues/2026-01-winter/index.html" in keys(store)


def test_credentials_in_bulletin_yaml_are_refused(make_site: Callable[..., Path]) -> None:
    site = make_site({"bulletin.yaml": SITE_SETTINGS + """\
        publish:
          production: {type: s3, bucket: b, aws_secret_access_key: abc}
        """})
    result = CliRunner().invoke(main, ["build", str(site)])
    assert result.exit_code == 1
    assert "publish.production.aws_secret_access_key: credentials do not belong in " \
           "bulletin.yaml" in result.output


def test_a_bucket_given_as_an_address_is_refused_with_its_name(
        make_site: Callable[..., Path]) -> None:
    site = make_site({"bulletin.yaml": SITE_SETTINGS + """\
        publish:
          production: {type: s3, bucket: "s3://news-site/bulletin/"}
        """})
    result = CliRunner().invoke(main, ["build", str(site)])
    assert result.exit_code == 1
    assert "publish.production.bucket: 's3://news-site/bulletin/' is an address, and the " \
           "bucket is named alone (write 'bucket: news-site' and 'prefix: bulletin/')" \
           in result.output


def test_a_misspelt_setting_of_the_destination_stops_the_publish(
        make_site: Callable[..., Path], endpoint: str, store: Any) -> None:
    """`endpiont_url` was a warning, and the site went to AWS instead of the store meant."""
    site = s3_site(make_site, endpoint)
    settings = site / "bulletin.yaml"
    settings.write_text(settings.read_text("utf-8").replace("endpoint_url:", "endpiont_url:"),
                        "utf-8")
    build(site, BuildOptions(jobs=1, pdf=False))
    result = publish(site, "--dry-run")
    assert result.exit_code == 1
    line = next(number for number, text in enumerate(settings.read_text("utf-8").splitlines(), 1)
                if "endpiont_url" in text)
    assert result.output.strip() == (
        f"Error: bulletin.yaml:{line}: unknown field 'publish.production.endpiont_url' (did you "
        "mean endpoint_url?): the site would not go where bulletin.yaml means")


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


IDENTITY = {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org",
            "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.org"}


def pages_site(make_site: Callable[..., Path], tmp_path: Path,
               folder: str = "site") -> tuple[Path, Path]:
    """A site in a git repository whose remote 'origin' is a bare repository beside it: the
    site is the repository's top folder, or in a subfolder of it (`folder` 'repo/site')."""
    remote = tmp_path / "remote.git"
    git("init", "--bare", "-q", str(remote), cwd=tmp_path)
    site = make_site({"bulletin.yaml": SITE_SETTINGS + """\
        publish:
          pages: {type: github-pages, branch: gh-pages, cname: news.meridian-network.org}
        """}, name=folder)
    git("init", "-q", cwd=tmp_path / Path(folder).parts[0])
    git("add", "bulletin.yaml", "content", cwd=site)
    git("-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-q", "-m", "start",
        cwd=site)
    git("remote", "add", "origin", str(remote), cwd=site)
    age(site)
    return site, remote


def tip(repo: Path, ref: str = "gh-pages") -> str:
    """The commit `ref` names in `repo`."""
    return git("rev-parse", ref, cwd=repo).strip()


def published_once(make_site: Callable[..., Path], tmp_path: Path) -> tuple[Path, Path, str]:
    """A site of `pages_site` built and published: the site, its remote, the commit published."""
    site, remote = pages_site(make_site, tmp_path)
    build(site, BuildOptions(jobs=1, pdf=False))
    assert publish_pages(site).exit_code == 0
    return site, remote, tip(remote)


def publish_pages(site: Path, *args: str) -> Any:
    return CliRunner(env=IDENTITY).invoke(main, ["publish", str(site), *args])


def test_github_pages_commits_the_output_with_nojekyll_and_cname(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    # A site in a subfolder of a larger repository, as in a monorepo: the branch is that
    # repository's (as MkDocs' gh-deploy makes it), and every message names the repository.
    site, remote = pages_site(make_site, tmp_path, "repo/bulletin")
    output = build(site, BuildOptions(jobs=1, pdf=False)).output
    where = f"the branch 'gh-pages' of the repository {tmp_path / 'repo'}"
    dry = publish_pages(site, "--dry-run")
    assert dry.output.splitlines()[-1].startswith(f"Would commit {output} to {where}: ")
    result = publish_pages(site)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == f"Published {output} to {where} (pushed to 'origin')"
    assert tip(tmp_path / "repo") == tip(remote)
    again = publish_pages(site, "--dry-run")  # the whole branch, not its part under bulletin/
    assert again.output.strip() == f"Nothing changed since {where} was last published: " \
        "nothing to commit"
    listed = set(git("ls-tree", "-r", "--name-only", "gh-pages", cwd=remote).split())
    files = {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()}
    assert listed == files - {".bulletin-output"} | {".nojekyll", "CNAME"}
    assert git("show", "gh-pages:CNAME", cwd=remote).strip() == "news.meridian-network.org"
    built_from = git("rev-parse", "--short", "HEAD", cwd=site).strip()
    assert git("log", "-1", "--format=%s", "gh-pages", cwd=remote).strip() == \
        f"Publish the bulletin, built from {built_from}"
    # A build of changes not committed says so.
    (site / "content/pages/about.md").write_text("---\ntitle: About\n---\nNew.\n", "utf-8")
    build(site, BuildOptions(jobs=1, pdf=False))
    assert publish_pages(site).exit_code == 0
    assert git("log", "-1", "--format=%s", "gh-pages", cwd=remote).strip() == \
        f"Publish the bulletin, built from {built_from} with changes not committed"
    index = git("show", "gh-pages:index.html", cwd=remote)
    assert index == (output / "index.html").read_text("utf-8")
    # the editors' index and checkout are left alone: the commit is made beside them
    assert git("diff", "--cached", "--name-only", cwd=site) == ""
    sources = sorted(p.relative_to(site).as_posix() for p in (site / "content").rglob("*")
                     if p.is_file())
    assert git("ls-files", cwd=site).split() == ["bulletin.yaml", *sources]


@pytest.mark.parametrize("on_actions", [True, False])
def test_github_pages_on_a_runner_that_knows_no_one_commits_as_the_actions_bot(
        make_site: Callable[..., Path], tmp_path: Path, on_actions: bool) -> None:
    """GitHub's runners have no git identity, and `bulletin init`'s workflow sets none."""
    site, remote = pages_site(make_site, tmp_path)
    build(site, BuildOptions(jobs=1, pdf=False))
    nobody = {"HOME": str(tmp_path), "GIT_CONFIG_GLOBAL": str(tmp_path / "none"),
              "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_COUNT": "1",  # and no guessing
              "GIT_CONFIG_KEY_0": "user.useConfigOnly", "GIT_CONFIG_VALUE_0": "true",
              **{name: None for name in IDENTITY}, "EMAIL": None,
              "GITHUB_ACTIONS": "true" if on_actions else None}
    result = CliRunner(env=nobody).invoke(main, ["publish", str(site)])
    if on_actions:
        assert result.exit_code == 0, result.output
        assert git("log", "-1", "--format=%an <%ae>", "gh-pages", cwd=remote).strip() == \
            "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"
    else:  # on an editor's machine, git says how to set one
        assert result.exit_code == 1 and "user.email" in result.output, result.output


@pytest.mark.parametrize(("base_url", "warning"), [
    ("https://example.org/bulletin/", "base_url is an example's address "
                                      "(https://example.org/bulletin/): the feeds, sitemap"),
    ("https://meridian-network.org/news/", "publish.pages.cname serves the site at "
                                           "news.meridian-network.org, and base_url names "
                                           "meridian-network.org"),
])
def test_publish_warns_of_a_base_url_readers_will_not_find(
        make_site: Callable[..., Path], tmp_path: Path, base_url: str, warning: str) -> None:
    """The starter's base_url left as it is, or one that the Pages domain does not serve:
    every address read away from the site would lead elsewhere."""
    site, _ = pages_site(make_site, tmp_path)
    settings = site / "bulletin.yaml"
    settings.write_text(settings.read_text("utf-8").replace(
        "https://news.meridian-network.org/", base_url), "utf-8")
    build(site, BuildOptions(jobs=1, pdf=False))
    result = publish_pages(site, "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"bulletin.yaml: warning: {warning}"), result.output


def test_github_pages_makes_no_commit_when_nothing_changed(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    site, remote, first = published_once(make_site, tmp_path)
    again = publish_pages(site)
    assert again.exit_code == 0, again.output
    assert again.output.strip() == (f"Nothing changed since the branch 'gh-pages' of the "
                                    f"repository {site} was last published: no commit made")
    assert tip(remote) == first
    assert tip(site) == first
    lead = site / "content/issues/2026-01-winter/01-lead.md"
    lead.write_text(lead.read_text("utf-8").replace("story text", "story, edited"), "utf-8")
    build(site, BuildOptions(jobs=1, pdf=False))
    assert publish_pages(site, "--no-push").exit_code == 0
    assert tip(remote) == first  # not pushed
    edited = tip(site)
    assert tip(site, "gh-pages^") == first
    # the unpushed commit is built on and pushed, not made again
    result = publish_pages(site)
    assert result.output.strip() == (
        f"Nothing changed since the branch 'gh-pages' of the repository {site} was last "
        "published: no commit made; the commit made before was pushed to 'origin'")
    assert tip(remote) == edited


def test_a_github_pages_dry_run_lists_what_the_commit_would_change_and_writes_nothing(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    site, remote, first = published_once(make_site, tmp_path)
    objects = git("count-objects", "-v", cwd=site)
    unchanged = publish_pages(site, "--dry-run")
    assert unchanged.exit_code == 0, unchanged.output
    assert unchanged.output.strip() == (f"Nothing changed since the branch 'gh-pages' of the "
                                        f"repository {site} was last published: nothing to "
                                        "commit")
    lead = site / "content/issues/2026-01-winter/01-lead.md"
    lead.write_text(lead.read_text("utf-8").replace("story text", "story, edited"), "utf-8")
    (site / "content/pages/contact.md").write_text("---\ntitle: Contact\n---\nWrite.\n", "utf-8")
    settings = site / "bulletin.yaml"
    settings.write_text(settings.read_text("utf-8").replace(
        ", cname: news.meridian-network.org", ""), "utf-8")
    output = build(site, BuildOptions(jobs=1, pdf=False)).output
    dry = publish_pages(site, "--dry-run")
    assert dry.exit_code == 0, dry.output
    lines = dry.output.splitlines()
    assert "would replace issues/2026-01-winter/index.html" in lines
    assert "would add pages/contact/index.html" in lines
    assert "would delete CNAME" in lines
    added, replaced, deleted = (sum(line.startswith(f"would {verb} ") for line in lines)
                                for verb in ("add", "replace", "delete"))
    assert lines[-1] == (f"Would commit {output} to the branch 'gh-pages' of the repository "
                         f"{site}: {added} new, {replaced} changed and {deleted} deleted files")
    assert tip(site) == tip(remote) == first  # no commit, no push,
    assert git("count-objects", "-v", cwd=site) == objects  # and no object written


def test_github_pages_from_a_fresh_clone_builds_on_the_published_branch(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    # As on CI (actions/checkout): a clone of the one branch built, without gh-pages.
    site, remote, published = published_once(make_site, tmp_path)
    git("push", "-q", "origin", "HEAD:refs/heads/main", cwd=site)
    clone = tmp_path / "clone"
    git("clone", "-q", "--single-branch", "--branch", "main", str(remote), str(clone),
        cwd=tmp_path)
    age(clone)
    build(clone, BuildOptions(jobs=1, pdf=False))
    result = publish_pages(clone)
    assert result.exit_code == 0, result.output
    assert "Nothing changed" in result.output
    assert tip(remote) == published


def test_github_pages_refuses_the_branch_that_holds_the_sites_sources(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    """`branch: main`, checked out, had the sources' branch replaced by the built site."""
    site, _ = pages_site(make_site, tmp_path)
    current = git("symbolic-ref", "--short", "HEAD", cwd=site).strip()
    before = tip(site, current)
    settings = site / "bulletin.yaml"
    settings.write_text(settings.read_text("utf-8").replace("branch: gh-pages",
                                                            f"branch: {current}"), "utf-8")
    build(site, BuildOptions(jobs=1, pdf=False))
    for args in ((), ("--dry-run",)):
        result = publish_pages(site, *args)
        assert result.exit_code == 1, result.output
        assert f"the branch '{current}' is the one checked out in {site}" in result.output
    assert tip(site, current) == before


def test_github_pages_refuses_a_branch_of_the_sources_not_checked_out(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    """On a branch of their own, `branch: main` would have fast-forwarded the sources' branch
    to the built site."""
    site, remote = pages_site(make_site, tmp_path)
    current = git("symbolic-ref", "--short", "HEAD", cwd=site).strip()
    git("push", "-q", "origin", current, cwd=site)
    git("switch", "-q", "-c", "edits", cwd=site)
    settings = site / "bulletin.yaml"
    settings.write_text(settings.read_text("utf-8").replace("branch: gh-pages",
                                                            f"branch: {current}"), "utf-8")
    build(site, BuildOptions(jobs=1, pdf=False))
    before = tip(remote, current)
    for args in ((), ("--dry-run",), ("--no-push",)):
        result = publish_pages(site, *args)
        assert result.exit_code == 1, result.output
        assert f"the branch '{current}' holds the site's sources (bulletin.yaml)" in result.output
    assert tip(remote, current) == before == tip(site, current)


def test_github_pages_takes_a_gh_pages_branch_made_from_the_sources(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    """GitHub's 'create branch' makes gh-pages from main, sources and all: it is the built
    site's branch all the same, and the sources' branch is left as it was."""
    site, remote = pages_site(make_site, tmp_path)
    current = git("symbolic-ref", "--short", "HEAD", cwd=site).strip()
    git("push", "-q", "origin", f"{current}:{current}", f"{current}:gh-pages", cwd=site)
    before = tip(remote, current)
    build(site, BuildOptions(jobs=1, pdf=False))
    result = publish_pages(site)
    assert result.exit_code == 0, result.output
    assert "bulletin.yaml" not in git("ls-tree", "--name-only", "gh-pages", cwd=remote).split()
    assert tip(remote, current) == before


def test_a_dry_run_says_a_commit_waits_to_be_pushed(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    site, remote, first = published_once(make_site, tmp_path)
    lead = site / "content/issues/2026-01-winter/01-lead.md"
    lead.write_text(lead.read_text("utf-8").replace("story text", "story, edited"), "utf-8")
    build(site, BuildOptions(jobs=1, pdf=False))
    assert publish_pages(site, "--no-push").exit_code == 0
    result = publish_pages(site, "--dry-run")
    assert result.output.strip().endswith(
        "nothing to commit; a commit made before waits to be pushed to 'origin'"), result.output
    (remote / "hooks/pre-receive").write_text("#!/bin/sh\necho closed >&2\nexit 1\n", "utf-8")
    (remote / "hooks/pre-receive").chmod(0o755)
    result = publish_pages(site)
    assert result.exit_code == 1
    assert "the push to 'origin' failed" in result.output
    assert "The commit is kept in the branch 'gh-pages' here" in result.output
    assert tip(remote) == first


def test_a_dry_run_behind_another_publisher_says_no_commit_waits(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    """Someone else published since: the local branch is behind the remote's, not ahead."""
    site, remote, _ = published_once(make_site, tmp_path)
    other = tmp_path / "other"
    git("clone", "-q", "--branch", "gh-pages", str(remote), str(other), cwd=tmp_path)
    (other / "index.html").write_text("published elsewhere", "utf-8")
    git("-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-q", "-am", "other",
        cwd=other)
    git("push", "-q", "origin", "gh-pages", cwd=other)
    result = publish_pages(site, "--dry-run")
    assert result.exit_code == 0, result.output
    # The commit would put the site back over the other publisher's, and says no more.
    assert result.output.splitlines()[0] == "would replace index.html"
    assert result.output.strip().endswith(": 0 new, 1 changed and 0 deleted files")


def test_an_interrupted_publish_says_that_running_it_again_finishes(
        make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import bulletin_gen.publish

    def stopped(*args: Any, **kwargs: Any) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(bulletin_gen.publish, "publish_site", stopped)
    result = publish(make_site())
    assert result.exit_code == 1
    assert result.output.strip() == ("Error: interrupted: what was sent stays, and running "
                                     "'bulletin publish' again finishes the job")


def test_github_pages_outside_a_repository_is_one_clear_line(
        make_site: Callable[..., Path]) -> None:
    site = make_site({"bulletin.yaml": PAGES_SETTINGS})
    age(site)
    build(site, BuildOptions(jobs=1, pdf=False))
    result = publish_pages(site, "--no-push")
    assert result.exit_code == 1
    assert result.output == (f"Error: GitHub Pages: the site is published to a branch of its "
                             f"git repository, and {site} is in none: run 'git init' in it and "
                             "add your GitHub repository as its remote (docs/deploying.md)\n")


def test_github_pages_without_the_remote_named_says_how_to_add_it(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    """git's own words for a missing remote speak of a repository and access rights."""
    site, _ = pages_site(make_site, tmp_path)
    git("remote", "rename", "origin", "upstream", cwd=site)
    build(site, BuildOptions(jobs=1, pdf=False))
    result = publish_pages(site)
    assert (result.exit_code, result.output) == (
        1, f"Error: GitHub Pages: the repository {site} has no remote 'origin': add it (git "
           "remote add origin URL), name another with 'remote:' in the destination's settings, "
           "or publish with --no-push\n")
    assert publish_pages(site, "--no-push").exit_code == 0  # committed, for a later push


def test_github_pages_to_a_remote_given_as_a_folder_of_the_repository(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    """`remote:` may be a repository's path, as git allows: 'pages.git' is no remote's name."""
    site, _ = pages_site(make_site, tmp_path)
    git("init", "--bare", "-q", "pages.git", cwd=site)
    settings = site / "bulletin.yaml"
    settings.write_text(settings.read_text().replace("branch: gh-pages,",
                                                     "branch: gh-pages, remote: pages.git,"))
    age(site)
    build(site, BuildOptions(jobs=1, pdf=False))
    result = publish_pages(site)
    assert result.exit_code == 0, result.output
    assert tip(site / "pages.git") == tip(site)


def test_init_writes_a_ci_workflow_that_builds_and_publishes(tmp_path: Path) -> None:
    yaml = pytest.importorskip("yaml")
    result = CliRunner().invoke(main, ["init", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    workflow = yaml.safe_load((tmp_path / "site/.github/workflows/publish.yml").read_text())
    steps = workflow["jobs"]["publish"]["steps"]
    assert any(step.get("uses", "").startswith("actions/cache") and
               step["with"]["path"] == ".bulletin-cache" for step in steps)
    runs = [step.get("run", "") for step in steps]
    assert "bulletin build" in runs and any("bulletin publish --delete" in run for run in runs)


def test_uploads_report_their_progress(make_site: Callable[..., Path], endpoint: str,
                                       store: Any) -> None:
    from bulletin_gen.publish import publish_site

    site = s3_site(make_site, endpoint)
    build(site, BuildOptions(jobs=1, pdf=False))
    calls: list[tuple[str, int, int]] = []
    publish_site(site, say=lambda line: None, progress=lambda *call: calls.append(call))
    total = calls[-1][2]
    assert total > 10 and [done for _, done, _ in calls] == list(range(1, total + 1))
    assert {stage for stage, _, _ in calls} == {"upload"}


def test_publishing_to_a_bucket_without_boto3_says_what_to_install(
        make_site: Callable[..., Path], endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    site = s3_site(make_site, endpoint)
    build(site, BuildOptions(jobs=1, pdf=False))
    for module in ("boto3", "botocore", "botocore.config", "botocore.exceptions"):
        monkeypatch.setitem(sys.modules, module, None)  # importing it fails
    result = publish(site, "--dry-run")
    assert result.exit_code == 1
    assert result.output.strip() == ("Error: publishing to S3 needs boto3: pip install "
                                     "'bulletin-gen[publish]'")


def test_credentials_the_store_does_not_know_are_one_clear_line(
        make_site: Callable[..., Path], endpoint: str, store: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import moto.settings

    site = s3_site(make_site, endpoint)
    build(site, BuildOptions(jobs=1, pdf=False))
    monkeypatch.setattr(moto.settings, "INITIAL_NO_AUTH_ACTION_COUNT", 0)  # moto checks keys
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAWRONGWRONGWRONG0")
    result = publish(site)
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: the store refused the credentials (InvalidAccessKeyId): check "
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
