"""A deterministic corpus shaped like a real weekly: hundreds of single-file issues.

`generate(root, issues)` writes root/bulletin/: a bulletin.yaml with the default settings (web,
email and PDF editions on) and one single-file issue a week, `content/issues/YYYY-MM-DD.md`
(see docs/content.md), each with an introduction and 15-40 `##` sections: one or two long lists
of links (20-55 bullets, each a link, a code span and a few words), as a programming weekly
has, and short news (a paragraph with `code spans`, bold names and now and then a link). Each
issue's email stays under the 100 KB at which the build warns that Gmail clips it: a build
with warnings repeats its work to repeat them, which a real weekly would not show.

The single-file format has no tags or regions (an issue's front matter has neither, and its
sections are items without fields), so this corpus has none: bench/corpus.py's synthetic
corpus covers them. `edit_one` appends a sentence to one section of one issue (the middle
one) and saves that file alone, `edit_newest` likewise in the newest issue; `add_issue` writes
next week's issue.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
import string
import sys
from dataclasses import dataclass
from pathlib import Path

from corpus import NAMES, PLACES, VERBS, WORDS, bulletin_yaml

FIRST = dt.date(2014, 1, 6)
SEED = 20260102
CODE = ("async fn", "impl Trait", "Vec<T>", "cargo build", "#[derive(Debug)]", "Option<&str>",
        "tokio::spawn", "serde_json", "no_std", "const fn", "let else", "dyn Any", "Box<[u8]>",
        "unsafe", "Pin<&mut Self>", "rustc -O", "clippy::pedantic", "HashMap::entry")
HOSTS = ("blog.example.org", "news.example.com", "docs.example.net", "code.example.org",
         "forum.example.com", "video.example.net")


@dataclass
class WeeklyIssue:
    """One issue: its file name's date, and the Markdown of its sections (for edits)."""

    date: dt.date
    number: int
    intro: str
    sections: list[tuple[str, str]]  # (heading, Markdown below it)

    @property
    def slug(self) -> str:
        return self.date.isoformat()

    def text(self) -> str:
        summary = self.sections[0][0].replace('"', "'")
        front = (f'---\ntitle: "Weekly no. {self.number}"\ndate: {self.date.isoformat()}\n'
                 f'number: {self.number}\nsummary: "{summary}"\n---\n')
        body = "\n\n".join(f"## {heading}\n\n{markdown}" for heading, markdown in self.sections)
        return f"{front}{self.intro}\n\n{body}\n"


def _words(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def _sentence(rng: random.Random) -> str:
    words = _words(rng, 6, 14).split()
    words.insert(rng.randint(1, len(words) - 1), rng.choice(VERBS))
    if rng.random() < 0.5:
        words.insert(rng.randint(0, len(words)), f"`{rng.choice(CODE)}`")
    if rng.random() < 0.3:
        words.insert(rng.randint(0, len(words)), f"**{rng.choice(NAMES)}**")
    if rng.random() < 0.2:
        words.append(f"[{_words(rng, 1, 3)}]({_address(rng)})")
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _address(rng: random.Random) -> str:
    return (f"https://{rng.choice(HOSTS)}/{rng.choice(WORDS)}/{rng.choice(WORDS)}-"
            f"{rng.randint(1, 99999)}")


def _news(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(1, 2)))


def _links(rng: random.Random) -> str:
    lines = [f"- [{_words(rng, 2, 4).capitalize()}]({_address(rng)}): `{rng.choice(CODE)}` "
             f"{_words(rng, 1, 4)}" for _ in range(rng.randint(20, 55))]
    return _sentence(rng) + "\n\n" + "\n".join(lines)


def make_issue(rng: random.Random, index: int) -> WeeklyIssue:
    """Issue number index + 1, dated `index` weeks after FIRST."""
    count = rng.randint(15, 40)
    lists = set(rng.sample(range(count), rng.randint(1, 2)))  # the sections of links
    sections = []
    for position in range(count):
        body = _links(rng) if position in lists else _news(rng)
        heading = f"{rng.choice(VERBS).capitalize()} {_words(rng, 2, 5)} in {rng.choice(PLACES)}"
        sections.append((f"{heading} ({position + 1})", body))
    intro = " ".join(_sentence(rng) for _ in range(rng.randint(2, 4)))
    return WeeklyIssue(FIRST + dt.timedelta(weeks=index), index + 1, intro, sections)


def write_issue(site: Path, issue: WeeklyIssue) -> None:
    folder = site / "content" / "issues"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{issue.slug}.md").write_text(issue.text(), encoding="utf-8")


def generate(root: Path, count: int = 600,
             languages: tuple[str, ...] = ()) -> list[WeeklyIssue]:
    """Write root/bulletin/ with `count` weekly issues (replacing what was there), each one
    translated into every one of `languages`."""
    if root.exists():
        shutil.rmtree(root)
    site = root / "bulletin"
    site.mkdir(parents=True)
    settings = bulletin_yaml("Synthetic Weekly", "weekly", "weekly")
    if languages:
        settings += "languages:\n" + "".join(f"  {code}: {{}}\n" for code in languages)
    (site / "bulletin.yaml").write_text(settings, encoding="utf-8")
    rng = random.Random(SEED)
    issues = [make_issue(rng, index) for index in range(count)]
    for issue in issues:
        write_issue(site, issue)
        for code in languages:
            write_translation(site, issue, code)
    return issues


# The translations' words: the corpus's own, each letter written in the language's script,
# or with an ending of the language: the same words in every issue, as a language has.
SCRIPTS = {"ru": "абвгдежзийклмнопрстуфхцчшщ", "ar": "ابتثجحخدذرزسشصضطظعغفقكلمنه",
           "ja": "アイウエオカキクケコサシスセソタチツテトナニヌネノハ"}
ENDINGS = {"es": "o", "fr": "eur", "de": "en", "pt": "ão", "it": "i", "nl": "ij"}
LANGUAGES = ("es", "fr", "de", "pt", "it", "nl", "ar", "ru", "ja")
# What translating leaves alone: code spans and links' addresses.
UNTRANSLATED = re.compile(r"(`[^`]*`|\]\([^)]*\))")
WORD = re.compile(r"[A-Za-z]+")


def translate(text: str, code: str) -> str:
    """`text` in the corpus's made-up `code`: its prose changed, its Markdown left as it is."""
    if code in SCRIPTS:
        table = str.maketrans(string.ascii_lowercase + string.ascii_uppercase, SCRIPTS[code] * 2)

        def word(found: re.Match[str]) -> str:
            return found.group().translate(table)
    else:
        def word(found: re.Match[str]) -> str:
            return found.group() + ENDINGS[code]
    return "".join(part if index % 2 else WORD.sub(word, part)
                   for index, part in enumerate(UNTRANSLATED.split(text)))


def translation_text(issue: WeeklyIssue, code: str, added: str = "") -> str:
    """The translation file of `issue`: its title, summary and sections translated (the date
    and number it leaves out come from the original); `added` ends the third section."""
    sections = [(heading, markdown + (added if position == 2 else ""))
                for position, (heading, markdown) in enumerate(issue.sections)]
    summary = translate(sections[0][0], code).replace('"', "'")
    front = f'---\ntitle: "{translate("Weekly", code)} {issue.number}"\nsummary: "{summary}"\n---\n'
    body = "\n\n".join(f"## {translate(heading, code)}\n\n{translate(markdown, code)}"
                        for heading, markdown in sections)
    return f"{front}{translate(issue.intro, code)}\n\n{body}\n"


def write_translation(site: Path, issue: WeeklyIssue, code: str, added: str = "") -> None:
    (site / "content" / "issues" / f"{issue.slug}.{code}.md").write_text(
        translation_text(issue, code, added), encoding="utf-8")


def edited(issues: list[WeeklyIssue]) -> WeeklyIssue:
    """The issue the edits change: the middle one."""
    return issues[len(issues) // 2]


def edit_one(root: Path, issues: list[WeeklyIssue], round_: int = 1) -> None:
    """Append a sentence to the third section of the middle issue and save its file."""
    issue = edited(issues)
    heading, markdown = issue.sections[2]
    issue.sections[2] = (heading, f"{markdown}\n\nAn added sentence, edit number {round_}.")
    write_issue(root / "bulletin", issue)


def edit_newest(root: Path, issues: list[WeeklyIssue], round_: int = 1) -> None:
    """Append a sentence to the third section of the newest issue and save its file."""
    issue = issues[-1]
    heading, markdown = issue.sections[2]
    issue.sections[2] = (heading, f"{markdown}\n\nA sentence added to the newest, {round_}.")
    write_issue(root / "bulletin", issue)


def edit_translation(root: Path, issues: list[WeeklyIssue], code: str, round_: int = 1) -> None:
    """Add a sentence to the third section of the middle issue's translation into `code` and
    save that file alone."""
    write_translation(root / "bulletin", edited(issues), code,
                      f"\n\n{translate('An added sentence, edit number', code)} {round_}.")


def add_issue(root: Path, issues: list[WeeklyIssue]) -> None:
    """Write next week's issue."""
    issue = make_issue(random.Random(SEED + len(issues)), len(issues))
    issues.append(issue)
    write_issue(root / "bulletin", issue)


if __name__ == "__main__":
    generate(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 600)
