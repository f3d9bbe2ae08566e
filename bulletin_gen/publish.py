"""Publishing: the built output folder to where readers are, an S3-compatible bucket or a
GitHub Pages branch, as `bulletin publish` asks.

`publish` refuses a site whose last build did not finish, was made with drafts, or is older
than its content (the build records each, `layout.BUILD_RECORD`). To a bucket it uploads only
the files whose bytes changed (compared with the MD5 the store keeps as each object's ETag;
the SHA-256 also goes into the object's metadata) or whose headers would change (the type, the
Cache-Control or the SHA-256 of an object whose ETag matches: a new `cache_pages:` reaches the
bucket without a change of content; a HEAD request reads them, but only for an object that
changed since the last publish from this site, as `PUBLISHED` records), new assets first and
the home page, feeds and sitemap last, so that no reader meets a page whose assets are not
there yet; `--delete` removes what the site no longer has, afterwards, and only under the
destination's prefix. To a GitHub Pages branch it commits the same files (`published_files`:
all but the build's marker) with git's plumbing (ghpages.py), and no commit when the branch
has them already.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import hashlib
import json
import mimetypes
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import ghpages
from .config import PublishTarget, SiteConfig
from .errors import BulletinError
from .layout import BUILD_RECORD, CACHE_DIR
from .search import NAMED_BY_CONTENT
from .write import MARKER, write_atomic

UPLOADS_AT_ONCE = 8
TEXT_TYPES = {".html": "text/html", ".xml": "application/xml", ".txt": "text/plain",
              ".css": "text/css", ".js": "text/javascript", ".json": "application/json",
              ".svg": "image/svg+xml"}
LAST = ("index.html", "feed.xml", "items.xml", "sitemap.xml")  # what readers arrive by
# In the cache folder: per destination, what each object was when this site last published it.
PUBLISHED = "published-{name}.json"


class PublishError(BulletinError):
    """Publishing cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class LocalFile:
    """A file of the output folder: its key in the store and what it holds."""

    path: str  # relative to the output folder
    source: Path
    md5: str
    sha256: str


@dataclass(frozen=True)
class Listing:
    """The store's objects under the prefix, key -> (ETag, time of the last change), and the
    store's own time when it answered."""

    objects: dict[str, tuple[str, dt.datetime]]
    as_of: dt.datetime | None


@dataclass
class Plan:
    """What a publish does: uploads in order, and the keys it deletes."""

    new: list[LocalFile] = field(default_factory=list)
    changed: list[LocalFile] = field(default_factory=list)
    unchanged: int = 0
    deleted: list[str] = field(default_factory=list)
    # The keys of files no longer in the site, which a publish without --delete leaves
    stale: list[str] = field(default_factory=list)

    @property
    def uploads(self) -> list[LocalFile]:
        return sorted(self.new + self.changed, key=upload_order)


def upload_order(file: LocalFile) -> tuple[int, str]:
    """Assets first, then pages, then what readers arrive by (home page, feeds, sitemap)."""
    if file.path in LAST or file.path.endswith("/feed.xml"):
        return 2 + (file.path == "sitemap.xml"), file.path
    return (0 if not file.path.endswith((".html", ".xml")) else 1), file.path


def target_of(config: SiteConfig, name: str | None) -> PublishTarget:
    """The destination `--to NAME` names, or the only one there is."""
    if not config.publish:
        raise PublishError("bulletin.yaml has no 'publish:' destinations (add one, e.g. "
                           "'publish: {production: {type: s3, bucket: my-bulletin}}')")
    if name is None:
        if len(config.publish) > 1:
            names = ", ".join(target.name for target in config.publish)
            raise PublishError(f"several destinations ({names}): choose one with --to NAME")
        return config.publish[0]
    for target in config.publish:
        if target.name == name:
            return target
    names = ", ".join(target.name for target in config.publish)
    raise PublishError(f"no destination '{name}' in bulletin.yaml (there is: {names})")


# The domains kept for examples (RFC 2606), as the starter's bulletin.yaml writes base_url.
_EXAMPLE_HOST = re.compile(r"(^|\.)example(\.(org|com|net))?$|(^|\.)(test|invalid|localhost)$")


def address_warnings(config: SiteConfig, target: PublishTarget) -> list[str]:
    """What the addresses the site gives itself say against where it is published: base_url
    left at an example's (the starter's), or a Pages domain (`cname:`) that it does not name.
    Every address read away from the site (feeds, sitemap, email, link previews) would lead
    elsewhere."""
    host = urlsplit(config.base_url).hostname or ""
    if host and _EXAMPLE_HOST.search(host):
        return [f"base_url is an example's address ({config.base_url}): the feeds, sitemap, "
                "email and link previews published lead there (write the address readers "
                "find the site at)"]
    if target.cname and host and host != target.cname.lower():
        return [f"publish.{target.name}.cname serves the site at {target.cname}, and base_url "
                f"names {host} ({config.base_url}): the feeds, sitemap, email and link "
                f"previews lead there (write base_url: https://{target.cname}/)"]
    return []


def check_built(record: dict[str, Any] | None, changed: str, config: SiteConfig,
                saved_files: Sequence[str] = ()) -> None:
    """Refuse an output that is not a finished build of the content as it is, made as
    bulletin.yaml says (`config`): without drafts, with its editions, for its base_url.
    `changed`: what changed since (build.what_changed); `saved_files`, the files saved since
    (build.saved_since)."""
    if record is None:
        raise PublishError("the site's last build did not finish (or there was none): run "
                           "'bulletin build' and publish once it succeeds")
    previews = _previews(record, config)
    if previews:
        raise PublishError(f"the output was built with {' and '.join(previews)}: run "
                           "'bulletin build' without it before publishing")
    if changed == "bulletin-gen":
        raise PublishError("bulletin-gen itself changed since the last build (upgraded, or its "
                           "code edited): run 'bulletin build' first, so that what you publish "
                           "is what this version makes")
    if changed:
        saved = f" ({', '.join(saved_files)} saved since)" if saved_files else ""
        raise PublishError(f"the site changed since the last build{saved} (its content, "
                           "templates or bulletin.yaml, 'publish:' too): run 'bulletin build' "
                           "first, so that what you publish is what you wrote")


def _previews(record: dict[str, Any], config: SiteConfig) -> list[str]:
    """The options of the recorded build that made a preview, not the site bulletin.yaml
    describes: drafts shown; the PDFs left out (publishing would delete the live ones); links
    to another address than bulletin.yaml's base_url."""
    previews = ["--drafts"] if record.get("drafts") else []
    if config.pdf.enabled and record.get("pdf") is False:
        previews.append("--no-pdf (its PDFs left out)")
    base_url = record.get("base_url")  # where bulletin.yaml gives none, it is the site's
    if base_url and config.base_url and str(base_url).rstrip("/") != config.base_url.rstrip("/"):
        previews.append(f"--base-url {base_url} (its links lead there, not to bulletin.yaml's "
                        f"base_url)")
    return previews


def published_files(output: Path) -> Iterator[tuple[str, Path]]:
    """Every file of the output folder that readers get, by its path in the output, in order:
    all but the build's marker (write.MARKER), the same for every kind of destination."""
    for path in sorted(output.rglob("*")):
        relative = path.relative_to(output).as_posix()
        if path.is_file() and relative != MARKER:
            yield relative, path


def local_files(output: Path) -> list[LocalFile]:
    """Every published file of the output folder, with its hashes."""
    files = []
    for relative, path in published_files(output):
        data = path.read_bytes()
        files.append(LocalFile(relative, path, hashlib.md5(data).hexdigest(),
                               hashlib.sha256(data).hexdigest()))
    return files


def plan(files: list[LocalFile], remote: dict[str, str], prefix: str, delete: bool,
         outdated: frozenset[str] = frozenset()) -> Plan:
    """Compare the local files with the store's (key -> ETag) under `prefix`; the keys in
    `outdated` have the right bytes but not the right headers."""
    result = Plan()
    for file in files:
        etag = remote.get(prefix + file.path)
        if etag is None:
            result.new.append(file)
        elif etag.strip('"') != file.md5 or prefix + file.path in outdated:
            result.changed.append(file)
        else:
            result.unchanged += 1
    kept = {prefix + file.path for file in files}
    gone = sorted(key for key in remote if key not in kept and key.startswith(prefix))
    if delete:
        result.deleted = gone
    else:
        result.stale = gone
    return result


def content_type(path: str) -> str:
    """The Content-Type of a file of the output, with charset=utf-8 for text (a build writes
    every text in UTF-8): what the store is told, and what `bulletin serve` says."""
    kind = TEXT_TYPES.get(Path(path).suffix) or mimetypes.guess_type(path)[0]
    if path.endswith(("feed.xml", "items.xml")):  # every language's, and each topic's
        kind = "application/atom+xml"
    kind = kind or "application/octet-stream"
    if kind.startswith("text/") or kind.endswith(("xml", "json", "javascript")):
        kind += "; charset=utf-8"
    return kind


def headers(file: LocalFile, target: PublishTarget) -> dict[str, Any]:
    """Content-Type (with charset for text) and Cache-Control by kind, and the SHA-256."""
    suffix = Path(file.path).suffix
    kind = content_type(file.path)
    if NAMED_BY_CONTENT.search(file.path):  # new bytes come under a new name: kept for good
        cache = "public, max-age=31536000, immutable"
    elif suffix in (".html", ".xml", ".txt", ".json"):
        cache = target.cache_pages
    else:
        cache = target.cache_assets
    return {"ContentType": kind, "CacheControl": cache, "Metadata": {"sha256": file.sha256}}


def publish_s3(output: Path, target: PublishTarget, dry_run: bool, delete: bool,
               say: Callable[[str], None],
               progress: Callable[[str, int, int], None] | None = None,
               record: Path | None = None) -> Plan:
    """Bring the bucket up to date with `output`; returns what was (or would be) done.
    `record` keeps what the objects were after this publish, to spare the next one its HEAD
    requests."""
    with _store_errors(target):
        client = _client(target)
        listed = _listing(client, target)
        remote = {key: etag for key, (etag, _) in listed.objects.items()}
        files = local_files(output)
        known = _read_published(record)
        work = plan(files, remote, target.prefix, delete,
                    _outdated(client, target, files, listed, known))
        if dry_run:
            for file in work.uploads:
                say(f"would {'upload' if file in work.new else 'replace'} {file.path}")
            for key in work.deleted:
                say(f"would delete {key.removeprefix(target.prefix)}")
            return work

        def upload(file: LocalFile) -> None:
            with file.source.open("rb") as body:
                client.put_object(Bucket=target.bucket, Key=target.prefix + file.path,
                                  Body=body, **headers(file, target))

        done, total = 0, len(work.uploads)
        for stage in _stages(work.uploads):
            with ThreadPoolExecutor(max_workers=UPLOADS_AT_ONCE) as pool:
                for _ in pool.map(upload, stage):
                    done += 1
                    if progress:
                        progress("upload", done, total)
        for start in range(0, len(work.deleted), 1000):
            client.delete_objects(Bucket=target.bucket, Delete={"Objects": [
                {"Key": key} for key in work.deleted[start:start + 1000]]})
        if record is not None:
            _write_published(record, target, files, _listing(client, target))
    return work


def _stamp(listed: tuple[str, dt.datetime], file: LocalFile, target: PublishTarget) -> str:
    """An object as the listing shows it (ETag, time of its last change) and the headers this
    publish gives it: equal to the recorded stamp, nobody changed the object since."""
    wanted = headers(file, target)
    return "\0".join((listed[0], listed[1].isoformat(), wanted["ContentType"],
                      wanted["CacheControl"], file.sha256))


def _read_published(record: Path | None) -> dict[str, str]:
    try:
        known = json.loads(record.read_text(encoding="utf-8")) if record else {}
    except (OSError, ValueError):
        return {}  # none yet, or damaged: the next publish reads every object's headers
    return known if isinstance(known, dict) else {}


def _write_published(record: Path, target: PublishTarget, files: list[LocalFile],
                     listed: Listing) -> None:
    """Record the objects that hold the local files, but not those changed in the second the
    store answered: the store's times are whole seconds, so a change later in that second
    would leave the same time, and the next publish would not look."""
    objects = listed.objects
    stamps = {key: _stamp(objects[key], file, target) for file in files
              if (key := target.prefix + file.path) in objects
              and objects[key][0].strip('"') == file.md5
              and listed.as_of is not None and objects[key][1] < listed.as_of}
    record.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(record, json.dumps(stamps, sort_keys=True))


def _outdated(client: Any, target: PublishTarget, files: list[LocalFile],
              listed: Listing, known: dict[str, str]) -> frozenset[str]:
    """The keys whose bytes the store has (the ETag matches) but not the headers this publish
    gives them: one HEAD request each, several at once, for the objects that changed since
    the last publish recorded them (all of them when there is no record)."""
    objects = listed.objects
    same = [file for file in files if (key := target.prefix + file.path) in objects
            and objects[key][0].strip('"') == file.md5]
    unsure = [file for file in same if known.get(target.prefix + file.path)
              != _stamp(objects[target.prefix + file.path], file, target)]

    def stale(file: LocalFile) -> bool:
        head = client.head_object(Bucket=target.bucket, Key=target.prefix + file.path)
        wanted = headers(file, target)
        kept = (head.get("ContentType"), head.get("CacheControl"), head.get("Metadata", {}))
        return kept != (wanted["ContentType"], wanted["CacheControl"], wanted["Metadata"])

    with ThreadPoolExecutor(max_workers=UPLOADS_AT_ONCE) as pool:
        return frozenset(target.prefix + file.path
                         for file, old in zip(unsure, pool.map(stale, unsure), strict=True) if old)


def _stages(uploads: list[LocalFile]) -> Iterator[list[LocalFile]]:
    """The uploads in groups that must not overlap: assets, pages, then the entry points."""
    groups: dict[int, list[LocalFile]] = {}
    for file in uploads:
        groups.setdefault(upload_order(file)[0], []).append(file)
    for key in sorted(groups):
        yield groups[key]


NEEDS_BOTO3 = "publishing to S3 needs boto3: pip install 'bulletin-gen[publish]'"


def _client(target: PublishTarget) -> Any:
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise PublishError(NEEDS_BOTO3) from None
    # Throttled or failed requests are retried with backoff, as the store asks; a store that
    # stops answering is given up on within a few minutes, not botocore's quarter of an hour.
    config = Config(retries={"max_attempts": 5, "mode": "adaptive"}, connect_timeout=10,
                    read_timeout=30)
    # A session of its own: boto3's default one would keep credentials between calls.
    return boto3.session.Session().client("s3", region_name=target.region or None,
                                          endpoint_url=target.endpoint_url or None,
                                          config=config)


def _listing(client: Any, target: PublishTarget) -> Listing:
    found: dict[str, tuple[str, dt.datetime]] = {}
    as_of = None
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=target.bucket,
                                                                  Prefix=target.prefix):
        found.update({item["Key"]: (item["ETag"], item["LastModified"])
                      for item in page.get("Contents", [])})
        if as_of is None:  # the first answer's time: the earliest
            as_of = _answered_at(page)
    return Listing(found, as_of)


def _answered_at(page: dict[str, Any]) -> dt.datetime | None:
    """The store's clock when it answered (its Date header), None when it does not say."""
    date = page.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("date")
    try:
        return email.utils.parsedate_to_datetime(date) if date else None
    except (TypeError, ValueError):
        return None


@contextlib.contextmanager
def _store_errors(target: PublishTarget) -> Iterator[None]:
    """The store's refusals as one clear line each, not a traceback."""
    try:
        from botocore.exceptions import (
            BotoCoreError,
            ClientError,
            NoCredentialsError,
            PartialCredentialsError,
            ProfileNotFound,
        )
    except ImportError:
        raise PublishError(NEEDS_BOTO3) from None

    try:
        yield
    except NoCredentialsError:
        raise PublishError("no credentials for the store: set AWS_ACCESS_KEY_ID and "
                           "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (credentials never go "
                           "into bulletin.yaml)") from None
    except PartialCredentialsError as error:
        raise PublishError(f"the credentials for the store are incomplete: {error} (set both "
                           "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)") from None
    except ProfileNotFound as error:
        raise PublishError(f"{error} (AWS_PROFILE names a profile of ~/.aws/config or "
                           "~/.aws/credentials)") from None
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code == "NoSuchBucket":
            raise PublishError(f"there is no bucket '{target.bucket}' (check 'bucket:' of "
                               f"'{target.name}' in bulletin.yaml)") from None
        if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied",
                    "403", "ExpiredToken"):
            raise PublishError(f"the store refused the credentials ({code}): check "
                               "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY") from None
        raise PublishError(f"the store answered: {error}") from None
    except BotoCoreError as error:
        raise PublishError(f"cannot reach the store: {error}") from None


def publish_pages(site_dir: Path, output: Path, target: PublishTarget, dry_run: bool,
                  push: bool, say: Callable[[str], None]) -> str:
    """Commit `output` to the target's branch of the repository that holds the site
    (ghpages.py), with a .nojekyll and the CNAME when set, and push it unless asked not to; or,
    in a dry run, say what the commit would change. Returns a summary, which names the
    repository."""
    extra = {".nojekyll": b""}  # GitHub's Jekyll would leave out the files named '_...'
    if target.cname:
        extra["CNAME"] = target.cname.encode("utf-8")
    branch = ghpages.Branch(target.branch, target.remote)
    try:
        where = f"the branch '{target.branch}' of the repository {ghpages.top_folder(site_dir)}"
        unchanged = f"Nothing changed since {where} was last published"
        ghpages.check_not_checked_out(site_dir, branch)
        if push:  # offline with --no-push: the branch as last fetched
            ghpages.fetch(site_dir, branch)
        ghpages.check_not_sources(site_dir, branch)
        waiting = (f"; a commit made before waits to be pushed to '{target.remote}'"
                   if push and ghpages.unpushed(site_dir, branch) else "")
        if dry_run:
            changes = ghpages.compare_files(site_dir, branch, published_files(output), extra)
            counts = _said_changes(changes, say)
            return (f"Would commit {output} to {where}: {counts}{waiting}" if counts
                    else f"{unchanged}: nothing to commit{waiting}")
        built_from = ghpages.sources_commit(site_dir)
        committed = ghpages.commit_files(
            site_dir, branch, published_files(output), extra,
            "Publish the bulletin" + (f", built from {built_from}" if built_from else ""))
    except ghpages.GitError as error:
        raise PublishError(f"GitHub Pages: {error}") from None
    try:
        pushed = push and ghpages.push(site_dir, branch)
    except ghpages.GitError as error:
        raise PublishError(f"GitHub Pages: the push to '{target.remote}' failed: {error}. The "
                           f"commit is kept in the branch '{target.branch}' here, and the next "
                           "'bulletin publish' pushes it") from None
    if not committed:
        # A commit made earlier with --no-push goes out now: say so, or it would go unseen.
        return f"{unchanged}: no commit made" + (
            f"; the commit made before was pushed to '{target.remote}'" if pushed else "")
    return f"Published {output} to {where}" + (
        f" (pushed to '{target.remote}')" if push else " (not pushed)")


def _said_changes(changes: ghpages.TreeChanges, say: Callable[[str], None]) -> str:
    """Say each file a Pages commit would add, replace or delete; how many of each, or ''
    when it would change nothing."""
    for verb, names in (("add", changes.added), ("replace", changes.changed),
                        ("delete", changes.deleted)):
        for name in names:
            say(f"would {verb} {name}")
    if not (changes.added or changes.changed or changes.deleted):
        return ""
    return (f"{len(changes.added)} new, {len(changes.changed)} changed and "
            f"{len(changes.deleted)} deleted files")


def read_record(path: Path) -> dict[str, Any] | None:
    """The last build's record, None when it did not finish."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def publish_site(site_dir: Path, name: str | None = None, dry_run: bool = False,
                 delete: bool = False, push: bool = True,
                 say: Callable[[str], None] = print,
                 progress: Callable[[str, int, int], None] | None = None) -> str:
    """Publish the last build of `site_dir` to the destination `name`; returns a summary."""
    from .build import output_folder_id, saved_since, what_changed
    from .config import load_config

    config, problems = load_config(site_dir)
    target = target_of(config, name)
    # A misspelt setting of the destination (endpiont_url) would send the site elsewhere.
    for typo in problems.warnings:
        if typo.message.startswith(f"unknown field 'publish.{target.name}."):
            raise PublishError(f"{typo.location}: {typo.message}"
                               + (f" ({typo.hint})" if typo.hint else "")
                               + ": the site would not go where bulletin.yaml means")
    record_file = site_dir / CACHE_DIR / BUILD_RECORD
    record = read_record(record_file)
    changed = what_changed(site_dir, record) if record is not None else ""
    saved = saved_since(site_dir, record_file.stat().st_mtime_ns) if changed == "site" else []
    check_built(record, changed, config, saved)
    assert record is not None
    output = Path(str(record["output"]))
    if not (output / MARKER).is_file() or output_folder_id(output) != record.get("folder"):
        raise PublishError(f"{output} is not the folder the last build wrote (it was moved, "
                           "emptied or replaced since): run 'bulletin build' before publishing, "
                           "which would otherwise delete the site from the destination")
    for warning in address_warnings(config, target):
        say(f"bulletin.yaml: warning: {warning}")
    if target.type == "github-pages":
        return publish_pages(site_dir, output, target, dry_run, push, say)
    work = publish_s3(output, target, dry_run, delete, say, progress,
                      site_dir / CACHE_DIR / PUBLISHED.format(name=target.name))
    where = f"s3://{target.bucket}/{target.prefix}"
    verb = "Would upload" if dry_run else "Uploaded"
    # A file no longer in the site (a page of a deleted brief's tag) is still read there.
    count = len(work.stale)
    left = (f"; {count} file{'s' if count > 1 else ''} no longer in the site "
            f"{'are' if count > 1 else 'is'} left there (--delete removes "
            f"{'them' if count > 1 else 'it'})" if count else "")
    return (f"{verb} {len(work.new)} new and {len(work.changed)} changed files to {where}, "
            f"{work.unchanged} unchanged" + (f", {len(work.deleted)} deleted" if delete else "")
            + left)
