"""A deterministic synthetic bulletin corpus, written as a bulletin-gen, a Pelican and a Hugo site.

`generate(root, n)` makes N items (300-700 words of paragraphs, headings, lists, bold place
names and links; tags and regions from fixed pools; a file of briefs in most issues and a round
table now and then) grouped into issues of 10-20 items, and writes the same articles three ways:

    root/bulletin/   bulletin.yaml (default settings) + content/issues/<issue>/NN-<item>.md
    root/pelican/    pelicanconf.py + content/<issue>/<item>.md (category = issue, tags)
    root/hugo/       hugo.toml + content/issues/<issue>/<item>.md + minimal layouts

Each tool makes one page per item, a page per issue, tag (and region) pages and an archive.
`edit_one` and `add_issue` change all three sites the same way, for the rebuild measurements.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

TAGS = [
    "mediation", "water", "local governance", "participatory budgeting", "youth", "training",
    "land rights", "elections", "migration", "health", "education", "housing", "energy",
    "climate", "agriculture", "cross-border", "women's leadership", "justice", "transparency",
    "public services", "fisheries", "forests", "urban planning", "transport", "culture",
    "media", "digital rights", "disability", "indigenous peoples", "labour", "trade",
    "tourism", "peacebuilding", "dialogue", "research", "funding", "fellowships", "networks",
    "volunteering", "evaluation",
]
REGIONS = [
    "Bolivia", "Peru", "Colombia", "Brazil", "Chile", "Argentina", "Mexico", "Guatemala",
    "Honduras", "Ecuador", "Tajikistan", "Uzbekistan", "Kazakhstan", "Kyrgyzstan", "Georgia",
    "Armenia", "Türkiye", "Jordan", "Lebanon", "Yemen", "Egypt", "Morocco", "Tunisia", "Kenya",
    "Uganda", "Tanzania", "Ghana", "Senegal", "Nigeria", "Ethiopia", "Hungary", "Poland",
    "Romania", "Serbia", "Bosnia and Herzegovina", "Albania", "Ukraine", "Moldova", "Nepal",
    "Bangladesh", "India", "Sri Lanka", "Indonesia", "Philippines", "Vietnam", "Cambodia",
    "Mongolia", "Pakistan", "Afghanistan", "Iraq", "Somalia", "Sudan", "Mali", "Niger",
    "Chad", "Cameroon", "Zambia", "Malawi", "Mozambique", "Madagascar",
]
PLACES = [
    "Cochabamba", "Lima", "Medellín", "São Paulo", "Khujand", "Fergana", "Almaty", "Irbid",
    "Pécs", "İzmir", "Tbilisi", "Yerevan", "Nairobi", "Kampala", "Accra", "Dakar", "Kathmandu",
    "Dhaka", "Cebu", "Hanoi", "Ulaanbaatar", "Sarajevo", "Tirana", "Chișinău", "Oaxaca",
    "Quetzaltenango", "Cuenca", "Arequipa", "Valparaíso", "Rosario", "Mombasa", "Arusha",
]
NAMES = [
    "Lucía Mamani", "Aigerim Sultanova", "Hélène Marchand", "Omar Haddad", "Nino Beridze",
    "Kwame Mensah", "Ana Souza", "Bilal Qureshi", "Mei Lin", "Jonas Varga", "Fatou Diop",
    "Tomás Rivera", "Zainab Yusuf", "Pavel Horváth", "Sita Gurung", "Diego Pérez",
]
WORDS = (  # noqa: SIM905
    "the network centre mediation municipal council residents agreement water canal meeting "
    "budget neighbourhood association programme training partners community dispute local "
    "authorities public hearing volunteers report project regional office members irrigation "
    "land map survey families schools youth dialogue table follow-up plan results month year "
    "second third new first small large rural urban valley river market road district village "
    "committee workshop session facilitators observers methods lessons funding grant staff "
    "director coordinator evaluation questionnaire participants women leaders elders farmers "
    "teachers students experts officials ministry province border cooperation together "
    "during after before since across between within around about toward against without"
).split()
VERBS = ("held", "opened", "signed", "agreed", "launched", "discussed", "reviewed", "mapped",
         "trained", "visited", "published", "welcomed", "proposed", "completed", "supported")


@dataclass
class Article:
    """One item, as every tool will see it."""

    slug: str
    title: str
    kind: str  # news, feature, roundtable, briefs
    tags: list[str]
    regions: list[str]
    summary: str
    body: str  # Markdown (for briefs: the briefs rendered as sections, for Pelican and Hugo)
    briefs: list[dict[str, object]] = field(default_factory=list)
    people: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class IssueData:
    slug: str
    title: str
    date: dt.date
    number: int
    articles: list[Article]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    words.insert(rng.randint(1, len(words) - 1), rng.choice(VERBS))
    if rng.random() < 0.5:
        words.insert(rng.randint(0, len(words)), f"**{rng.choice(PLACES)}**")
    if rng.random() < 0.12:
        words.append(f"[{rng.choice(WORDS)} {rng.choice(WORDS)}]"
                     f"(https://example.org/{rng.choice(WORDS)}/{rng.randint(1, 999)})")
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random) -> str:
    lines, line = [], ""
    for sentence in (_sentence(rng) for _ in range(rng.randint(3, 5))):
        line = f"{line} {sentence}".strip()
        if len(line) > 80:
            lines.append(line)
            line = ""
    if line:
        lines.append(line)
    return "\n".join(lines)


def _body(rng: random.Random, words: int, headings: list[str] | None = None) -> str:
    """Markdown of about `words` words; `headings` fixes the section titles (round tables)."""
    blocks: list[str] = []
    titles = list(headings or [])
    count = 0
    while count < words or titles:
        if titles and (len(blocks) % 3 == 0 or count >= words):
            blocks.append(f"## {titles.pop(0)}")
        elif headings is None and blocks and len(blocks) % 4 == 0:
            blocks.append(f"## {rng.choice(WORDS).capitalize()} {rng.choice(WORDS)}")
        block = _paragraph(rng)
        if rng.random() < 0.15:
            block = "\n".join(f"- {_sentence(rng)}" for _ in range(rng.randint(3, 5)))
        blocks.append(block)
        count += len(block.split())
    return "\n\n".join(blocks) + "\n"


def _article(rng: random.Random, issue_slug: str, position: int, kind: str) -> Article:
    title = f"{rng.choice(VERBS).capitalize()} {rng.choice(WORDS)} in {rng.choice(PLACES)}"
    slug = f"{position:02d}-{'-'.join(title.lower().split()[:3])}-{rng.randint(100, 999)}"
    slug = "".join(c for c in slug if c.isascii() and (c.isalnum() or c == "-"))
    tags = sorted(rng.sample(TAGS, rng.randint(2, 4)))
    regions = sorted(rng.sample(REGIONS, rng.randint(1, 2)))
    summary = _sentence(rng).replace("**", "")
    summary = summary.split("[")[0].rstrip(". ") + "."
    article = Article(slug, title, kind, tags, regions, summary, "")
    if kind == "briefs":
        article.title = "Other news from around the network"
        for _ in range(rng.randint(3, 6)):
            brief_regions = sorted(rng.sample(REGIONS, rng.randint(1, 2)))
            article.briefs.append({
                "headline": f"{rng.choice(PLACES)} {rng.choice(VERBS)} a {rng.choice(WORDS)}"
                            f" {rng.choice(WORDS)}",
                "regions": brief_regions, "tags": sorted(rng.sample(TAGS, 2)),
                "body": _paragraph(rng) + "\n\n" + _paragraph(rng) + "\n"})
        article.regions = sorted({r for b in article.briefs for r in b["regions"]})  # type: ignore[attr-defined]
        article.tags = sorted({t for b in article.briefs for t in b["tags"]})  # type: ignore[attr-defined]
        article.body = "\n\n".join(f"## {b['headline']}\n\n{b['body']}" for b in article.briefs)
    elif kind == "roundtable":
        article.people = {"presenters": rng.sample(NAMES, 2),
                          "facilitators": rng.sample(NAMES, 1),
                          "secretaries": rng.sample(NAMES, 1)}
        article.body = _body(rng, rng.randint(300, 700),
                             ["Summary", "Discussion", "Conclusions", "Recommendations"])
    else:
        article.body = _body(rng, rng.randint(300, 700))
    return article


def make_issues(n: int, seed: int = 20260101, start: int = 0) -> list[IssueData]:
    """The corpus as data: issues of 10-20 items, N items in all, oldest first."""
    rng = random.Random(seed)
    issues: list[IssueData] = []
    made = 0
    first = dt.date(1990, 1, 1)
    while made < n:
        index = start + len(issues)
        size = min(rng.randint(10, 20), n - made)
        date = first + dt.timedelta(days=14 * index)
        slug = f"{date.isoformat()}-no-{index + 1:05d}"
        articles = []
        for position in range(1, size + 1):
            kind = "briefs" if position == size and size > 3 else (
                "roundtable" if rng.random() < 0.08 else
                "feature" if position == 1 else "news")
            articles.append(_article(rng, slug, position, kind))
        issues.append(IssueData(slug, date.strftime("%B %Y, no. ") + str(index + 1), date,
                                index + 1, articles))
        made += size
    return issues


# --- writers -------------------------------------------------------------------------------

def _yaml_list(values: list[str]) -> str:
    return "[" + ", ".join(_quote(v) for v in values) + "]"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _articles(issue: IssueData, only: str | None) -> list[Article]:
    """The articles of `issue` to write: all of them, or the one whose slug is `only`."""
    return [article for article in issue.articles if only is None or article.slug == only]


def write_bulletin_issue(content: Path, issue: IssueData, only: str | None = None) -> None:
    """Write the issue's files; with `only`, that one article's file and nothing else."""
    folder = content / "issues" / issue.slug
    folder.mkdir(parents=True, exist_ok=True)
    if only is None:
        (folder / "issue.yaml").write_text(
            f"title: {_quote(issue.title)}\ndate: {issue.date.isoformat()}\n"
            f"number: {issue.number}\nsummary: {_quote(issue.articles[0].summary)}\n",
            encoding="utf-8")
    for article in _articles(issue, only):
        if article.kind == "briefs":
            lines = [f"title: {_quote(article.title)}", "kind: briefs", "items:"]
            for brief in article.briefs:
                body = "\n".join("      " + line if line else "" for line in
                                 str(brief["body"]).splitlines())
                lines += [f"  - headline: {_quote(str(brief['headline']))}",
                          f"    regions: {_yaml_list(brief['regions'])}",  # type: ignore[arg-type]
                          f"    tags: {_yaml_list(brief['tags'])}",  # type: ignore[arg-type]
                          "    body: |", body]
            (folder / f"{article.slug}.yaml").write_text("\n".join(lines) + "\n",
                                                          encoding="utf-8")
            continue
        front = [f"title: {_quote(article.title)}", f"kind: {article.kind}",
                 f"tags: {_yaml_list(article.tags)}", f"regions: {_yaml_list(article.regions)}",
                 f"summary: {_quote(article.summary)}"]
        front += [f"{role}: {_yaml_list(names)}" for role, names in article.people.items()]
        (folder / f"{article.slug}.md").write_text(
            "---\n" + "\n".join(front) + "\n---\n" + article.body, encoding="utf-8")


def write_pelican_issue(content: Path, issue: IssueData, only: str | None = None) -> None:
    folder = content / issue.slug
    folder.mkdir(parents=True, exist_ok=True)
    for article in _articles(issue, only):
        meta = [f"Title: {article.title}", f"Date: {issue.date.isoformat()}",
                f"Category: {issue.slug}", f"Tags: {', '.join(article.tags + article.regions)}",
                f"Slug: {issue.slug}-{article.slug}", f"Summary: {article.summary}"]
        (folder / f"{article.slug}.md").write_text("\n".join(meta) + "\n\n" + article.body,
                                                   encoding="utf-8")


def write_hugo_issue(content: Path, issue: IssueData, only: str | None = None) -> None:
    folder = content / "issues" / issue.slug
    folder.mkdir(parents=True, exist_ok=True)
    if only is None:
        (folder / "_index.md").write_text(
            f"---\ntitle: {_quote(issue.title)}\ndate: {issue.date.isoformat()}\n---\n",
            encoding="utf-8")
    for article in _articles(issue, only):
        front = [f"title: {_quote(article.title)}", f"date: {issue.date.isoformat()}",
                 f"tags: {_yaml_list(article.tags)}", f"regions: {_yaml_list(article.regions)}",
                 f"summary: {_quote(article.summary)}"]
        (folder / f"{article.slug}.md").write_text(
            "---\n" + "\n".join(front) + "\n---\n" + article.body, encoding="utf-8")


def bulletin_yaml(title: str, what: str, path: str) -> str:
    """A bench site's bulletin.yaml: the fields a site needs, every setting at its default."""
    return (f"title: {title}\ntagline: A generated {what} for measuring build speed\n"
            f"base_url: https://example.org/{path}/\nlanguage: en\n"
            'organisation: {name: Bench Network, url: "https://example.org/"}\n'
            "contact: {name: Bench Editor, email: editor@example.org}\n")


PELICAN_CONF = """AUTHOR = 'Bench Editor'
SITENAME = 'Synthetic Bulletin'
SITEURL = ''
PATH = 'content'
TIMEZONE = 'UTC'
DEFAULT_LANG = 'en'
DEFAULT_DATE_FORMAT = '%d %B %Y'
ARTICLE_URL = ARTICLE_SAVE_AS = '{slug}/index.html'
CATEGORY_SAVE_AS = 'issues/{slug}/index.html'
TAG_SAVE_AS = 'tags/{slug}/index.html'
AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = ''
DEFAULT_PAGINATION = False
FEED_ALL_ATOM = 'feed.xml'
CATEGORY_FEED_ATOM = TAG_FEED_ATOM = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = 'cache'
"""

HUGO_TOML = """baseURL = 'https://example.org/bench/'
title = 'Synthetic Bulletin'
languageCode = 'en'
disableKinds = ['RSS', 'sitemap', 'robotsTXT']
[taxonomies]
tag = 'tags'
region = 'regions'
"""

HUGO_LAYOUTS = {
    "baseof.html": """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}</title>
<link rel="stylesheet" href="/style.css"></head>
<body><header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main><footer>{{ site.Title }}</footer></body></html>
""",
    "single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p>{{ .Date.Format "2 January 2006" }} · {{ .Parent.Title }}</p>{{ .Content }}
<p>{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
<p>{{ range .GetTerms "regions" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
</article>{{ end }}
""",
    "list.html": """{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>{{ end }}
""",
    "home.html": """{{ define "main" }}<h1>Archive</h1><ul>
{{ range where site.RegularPages "Section" "issues" }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
""",
    "taxonomy.html": """{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
""",
    "term.html": """{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>{{ end }}
""",
}


def generate(root: Path, n: int) -> list[IssueData]:
    """Write the three sites of N items under `root` (replacing what was there)."""
    if root.exists():
        shutil.rmtree(root)
    issues = make_issues(n)
    (root / "bulletin").mkdir(parents=True)
    (root / "bulletin" / "bulletin.yaml").write_text(
        bulletin_yaml("Synthetic Bulletin", "corpus", "bench"), encoding="utf-8")
    (root / "pelican").mkdir()
    (root / "pelican" / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
    (root / "hugo" / "layouts").mkdir(parents=True)
    (root / "hugo" / "hugo.toml").write_text(HUGO_TOML, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (root / "hugo" / "layouts" / name).write_text(text, encoding="utf-8")
    for issue in issues:
        write_all(root, issue)
    return issues


def write_all(root: Path, issue: IssueData, only: str | None = None) -> None:
    write_bulletin_issue(root / "bulletin" / "content", issue, only)
    write_pelican_issue(root / "pelican" / "content", issue, only)
    write_hugo_issue(root / "hugo" / "content", issue, only)


def edit_one(root: Path, issues: list[IssueData], round_: int = 1) -> None:
    """Change one sentence of one item (the middle issue's second item) in every site, and save
    that item's file alone, as an editor does."""
    issue = issues[len(issues) // 2]
    article = issue.articles[1]
    article.body += f"\nAn added sentence, edit number {round_}.\n"
    write_all(root, issue, only=article.slug)


def add_issue(root: Path, issues: list[IssueData]) -> None:
    """Add one new issue (10-15 items), the newest, to every site."""
    new = make_issues(15, seed=len(issues), start=len(issues))[0]
    issues.append(new)
    write_all(root, new)


if __name__ == "__main__":
    generate(Path(sys.argv[1]), int(sys.argv[2]))
