"""A GitHub Pages branch: the published files committed to a branch of the git repository
that holds the site (whose top folder may be above the site's, `top_folder`), with git's
plumbing commands, and pushed to that repository's remote.

The files go into a temporary index (GIT_INDEX_FILE), never into the editors' own index or
working tree, and without git's filters (line endings, .gitattributes, ignore rules): the branch
holds the bytes of the output. The tree made is compared with the branch's: an unchanged site
makes no commit. The commit goes on top of the remote's branch (REMOTE/BRANCH), fetched first
when the publish pushes, since a clone made on CI has only the branch it builds; or on top of
the local branch when that is ahead of it (a publish with --no-push, not pushed yet).
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from .layout import CONFIG_FILE, INPUT_FOLDERS


class GitError(Exception):
    """A git command failed; the message is git's own."""


class NotThere(GitError):
    """`git ls-remote --exit-code` found no such reference (its exit status 2)."""


@dataclass(frozen=True)
class Branch:
    """Where the commit goes: the branch, and the remote it is pushed to."""

    name: str
    remote: str

    @property
    def local(self) -> str:
        return f"refs/heads/{self.name}"

    @property
    def tracking(self) -> str:
        return f"refs/remotes/{self.remote}/{self.name}"


def commit_files(repo: Path, branch: Branch, files: Iterable[tuple[str, Path]],
                 extra: Mapping[str, bytes], message: str) -> bool:
    """Make `files` (path in the branch, file) and `extra` (path, bytes) the branch's whole
    tree, in one commit on top of it; False, and no commit, when the tree is the branch's."""
    base = _base(repo, branch)
    with _entries(files, extra) as (entries, scratch):
        tree = _tree(repo, entries, _blobs(repo, entries, write=True), scratch / "index")
    if base and tree == _git(repo, "rev-parse", f"{base}^{{tree}}"):
        commit = base
    else:
        commit = _git(repo, "commit-tree", tree, *(["-p", base] if base else []), "-m", message,
                      env=_identity(repo))
    local = _resolve(repo, branch.local)
    if commit != local:  # the local branch follows, e.g. a clone's first publish to a branch
        _git(repo, "update-ref", "-m", message, branch.local, commit, local or "")
    return commit != base


@dataclass(frozen=True)
class TreeChanges:
    """The paths a commit of the output would add to the branch, change in it and delete."""

    added: list[str]
    changed: list[str]
    deleted: list[str]


def compare_files(repo: Path, branch: Branch, files: Iterable[tuple[str, Path]],
                  extra: Mapping[str, bytes]) -> TreeChanges:
    """What `commit_files` would change in the branch (as last fetched or committed here),
    with nothing written into the repository: a dry run's report."""
    base = _base(repo, branch)
    old = _listing(repo, base) if base else {}
    with _entries(files, extra) as (entries, _):
        new = {name: (_mode(source), blob) for (name, source), blob
               in zip(entries, _blobs(repo, entries, write=False), strict=True)}
    return TreeChanges(sorted(new.keys() - old.keys()),
                       sorted(name for name in new.keys() & old.keys() if new[name] != old[name]),
                       sorted(old.keys() - new.keys()))


@contextlib.contextmanager
def _entries(files: Iterable[tuple[str, Path]], extra: Mapping[str, bytes],
             ) -> Iterator[tuple[list[tuple[str, Path]], Path]]:
    """`files` and `extra` as (path in the branch, file) pairs, and a scratch folder that holds
    the extra ones (hashed with the rest, from files of their own) while they are used."""
    with tempfile.TemporaryDirectory(prefix="bulletin-pages-") as scratch:
        for name, data in extra.items():
            Path(scratch, name).write_bytes(data)
        yield [*files, *((name, Path(scratch, name)) for name in extra)], Path(scratch)


def top_folder(repo: Path) -> Path:
    """The top folder of the git repository that holds `repo`, whose branch is committed and
    pushed: the site's own, or a larger one with the site in a subfolder (a monorepo, as
    MkDocs' gh-deploy takes it too). The messages name it: a site started inside another
    project's checkout would otherwise publish into that project without a word."""
    try:  # in English, to tell this one failure from the others, whose message git says best
        return Path(_git(repo, "rev-parse", "--show-toplevel",
                         env={**os.environ, "LC_ALL": "C", "LANGUAGE": ""}))
    except GitError as error:
        if "not a git repository" not in str(error):
            raise
        raise GitError(f"the site is published to a branch of its git repository, and "
                       f"{repo.resolve()} is in none: run 'git init' in it and add your GitHub "
                       "repository as its remote (docs/deploying.md)") from None


def check_not_checked_out(repo: Path, branch: Branch) -> None:
    """Refuse the branch checked out where the site is: its commit would replace the site's
    sources with the built site, and leave the working tree at odds with its branch."""
    try:
        current = _git(repo, "symbolic-ref", "--quiet", "HEAD")
    except GitError:  # a detached HEAD: no branch is checked out
        return
    if current == branch.local:
        raise GitError(f"the branch '{branch.name}' is the one checked out in "
                       f"{top_folder(repo)}, which holds the site's sources: publishing there "
                       "would replace them with the built site. Name another branch with "
                       "'branch:' in the destination's settings, such as gh-pages")


def check_not_sources(repo: Path, branch: Branch) -> None:
    """Refuse the branch of the site's sources (the one the checkout follows, the remote's
    default, main or master) when it holds them (their bulletin.yaml), here or on the remote
    as last fetched, though another is checked out: its commit would replace them with the
    built site, and the push would carry that to the remote. A gh-pages branch made from main
    holds them too, and is the built site's to replace."""
    if branch.name not in _sources_branches(repo, branch.remote):
        return
    try:
        settings = (repo.resolve() / "bulletin.yaml").relative_to(top_folder(repo)).as_posix()
    except ValueError:  # a work tree git was pointed at elsewhere (GIT_WORK_TREE)
        return
    for ref in (branch.local, branch.tracking):
        if _resolve(repo, ref) and _git_ok(repo, "cat-file", "-e", f"{ref}:{settings}"):
            raise GitError(f"the branch '{branch.name}' holds the site's sources ({settings}): "
                           "publishing there would replace them with the built site. Name "
                           "another branch with 'branch:' in the destination's settings, such "
                           "as gh-pages")


def sources_commit(repo: Path) -> str | None:
    """The commit of the sources checked out (abbreviated), which a publish's message names so
    that the branch says what each commit was built from, and whether the site's files (those
    a build reads) hold changes not committed; None before the first commit."""
    if not _resolve(repo, "HEAD"):
        return None
    changed = _git(repo, "status", "--porcelain", "--", CONFIG_FILE, *INPUT_FOLDERS)
    return _git(repo, "rev-parse", "--short", "HEAD") + (
        " with changes not committed" if changed else "")


def _sources_branches(repo: Path, remote: str) -> set[str]:
    """The names the sources' branch goes by: main and master, the branch the checkout follows
    upstream, and the remote's default branch."""
    names = {"main", "master"}
    for ref in ("@{upstream}", f"refs/remotes/{remote}/HEAD"):
        try:
            full = _git(repo, "rev-parse", "--symbolic-full-name", ref)
        except GitError:  # none: a branch that follows nothing, a remote without a default
            continue
        names.add(full.removeprefix(f"refs/remotes/{remote}/").removeprefix("refs/heads/"))
    return names


def fetch(repo: Path, branch: Branch) -> None:
    """Bring the remote's branch up to date, when the remote has one: a clone made for CI
    fetches only the branch it builds, and a commit made on nothing could not be pushed."""
    _git(repo, "rev-parse", "--git-dir")  # not a repository: git's own message says so
    # A remote named, not an address or a folder: git's own words for a missing one speak of
    # access rights.
    if not re.search(r"[:/\\]", branch.remote) and not (repo / branch.remote).exists() and \
            branch.remote not in _git(repo, "remote").split():
        raise GitError(f"the repository {top_folder(repo)} has no remote '{branch.remote}': add "
                       f"it (git remote add {branch.remote} URL), name another with 'remote:' "
                       "in the destination's settings, or publish with --no-push")
    try:
        _git(repo, "ls-remote", "--exit-code", "--heads", branch.remote, branch.local)
    except NotThere:
        return  # the first publish: the branch starts here
    _git(repo, "fetch", "--quiet", branch.remote, f"+{branch.local}:{branch.tracking}")


def unpushed(repo: Path, branch: Branch) -> bool:
    """Whether the local branch holds a commit the remote's (as last fetched) has not."""
    local, tracking = _resolve(repo, branch.local), _resolve(repo, branch.tracking)
    # Behind the remote's (another publisher's commit since) is not ahead of it.
    return local is not None and (tracking is None or not _is_ancestor(repo, local, tracking))


def push(repo: Path, branch: Branch) -> bool:
    """Push the branch, unless the remote has it already (as last fetched); whether it did."""
    if _resolve(repo, branch.tracking) == _resolve(repo, branch.local):
        return False
    _git(repo, "push", branch.remote, f"{branch.local}:{branch.local}")
    return True


def _base(repo: Path, branch: Branch) -> str | None:
    """The commit to build on: the local branch when it is ahead of the remote's (or there is
    no remote one), else the remote's, which another publisher may have moved on."""
    _git(repo, "rev-parse", "--git-dir")  # not a repository: git's own message says so
    local, tracking = _resolve(repo, branch.local), _resolve(repo, branch.tracking)
    if local and tracking and _is_ancestor(repo, tracking, local):
        return local
    return tracking or local


def _blobs(repo: Path, entries: list[tuple[str, Path]], write: bool) -> list[str]:
    """The blob of each entry's file, written into the repository's objects when `write`."""
    paths = b"".join(os.fsencode(source) + b"\n" for _, source in entries)
    return _git(repo, "hash-object", *(["-w"] if write else []), "--no-filters",
                "--stdin-paths", stdin=paths).split()


def _tree(repo: Path, entries: list[tuple[str, Path]], blobs: list[str], index: Path) -> str:
    """List the entries' blobs in the temporary `index`, and write its tree."""
    env = {**os.environ, "GIT_INDEX_FILE": str(index)}
    listing = b"".join(
        b"%s %s\t%s\0" % (_mode(source), blob.encode(), os.fsencode(name))
        for (name, source), blob in zip(entries, blobs, strict=True))
    _git(repo, "update-index", "--add", "-z", "--index-info", stdin=listing, env=env)
    return _git(repo, "write-tree", env=env)


def _listing(repo: Path, commit: str) -> dict[str, tuple[bytes, str]]:
    """Every file of `commit`'s tree: its mode and blob, by path."""
    listed = {}
    # --full-tree: run in a subfolder (a site inside a larger repository), ls-tree would list
    # only the part of the tree under that subfolder's name.
    for line in _git(repo, "ls-tree", "-r", "-z", "--full-tree", commit).split("\0"):
        if line:
            about, name = line.split("\t", 1)
            mode, _, blob = about.split(" ")
            listed[name] = (mode.encode(), blob)
    return listed


def _mode(source: Path) -> bytes:
    # Executable files stay so, as ghp-import kept them: the same output makes the same tree.
    return b"100755" if os.access(source, os.X_OK) else b"100644"


# Who commits on GitHub's runners, which have no git identity of their own: the Actions bot,
# as GitHub's own actions commit.
ACTIONS_BOT = ("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com")


def _identity(repo: Path) -> dict[str, str] | None:
    """The environment a commit is made in: git's own, or on a GitHub Actions runner where git
    knows no one (as `bulletin init`'s workflow runs) the Actions bot's; elsewhere git's
    message says how to set one."""
    if os.environ.get("GITHUB_ACTIONS") != "true":
        return None
    try:
        _git(repo, "var", "GIT_COMMITTER_IDENT")
        return None
    except GitError:
        name, email = ACTIONS_BOT
        return {**os.environ, "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
                "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}


def _resolve(repo: Path, ref: str) -> str | None:
    try:
        return _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except GitError:
        return None


def _is_ancestor(repo: Path, older: str, newer: str) -> bool:
    return _git_ok(repo, "merge-base", "--is-ancestor", older, newer)


def _git_ok(repo: Path, *args: str) -> bool:
    """Whether git says yes: its exit status, for the commands that answer by it alone."""
    return subprocess.run(["git", *args], cwd=repo, capture_output=True,
                          check=False).returncode == 0


def _git(repo: Path, *args: str, stdin: bytes | None = None,
         env: dict[str, str] | None = None) -> str:
    """Run git in `repo`; its output, stripped. A failure is a GitError with git's message."""
    try:
        done = subprocess.run(["git", *args], cwd=repo, input=stdin, env=env,
                              capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH)") from None
    if done.returncode == 2 and args[0] == "ls-remote":
        raise NotThere(f"no {args[-1]} in {args[-2]}")
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip()
        raise GitError(said.removeprefix("fatal: ") or f"git {args[0]} failed")
    return done.stdout.decode("utf-8", "replace").strip()
