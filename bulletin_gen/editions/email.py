"""The email edition: each issue as `email.html`, `email.txt` and, on request, a `.eml` message.

`email.html` is one column of tables at most 600 px wide, the layout that Gmail, Outlook and
Apple Mail all keep: the theme's `email.html` template and its `email/` partials are rendered
with absolute links (`link_base` = base_url), then css-inline moves every style into `style`
attributes, leaving only media queries in a `<style>` element. `email.txt` is the plain-text
alternative (see plaintext.py). `export_eml` wraps both in a multipart/alternative message that
mail tools import. Everything is deterministic: the same issue gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html as htmllib
import re
from collections.abc import Callable
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import format_datetime
from functools import partial
from gettext import NullTranslations
from pathlib import Path
from urllib.parse import unquote, urljoin

from jinja2 import Environment
from markupsafe import Markup

from ..config import SiteConfig, mailbox, mailbox_mistake
from ..errors import BulletinError, Location, Problem, Problems
from ..excerpt import plain, shorten
from ..i18n import text_direction
from ..layout import CONFIG_FILE, edition_files
from ..markdown import (
    ALT_ATTRIBUTE,
    Attrs,
    address,
    as_uri,
    is_external,
    rewrite_start_tags,
    shown_src,
    srcs_without_alt,
    unlabelled_src,
)
from ..model import EMAIL_COLUMN, EMAIL_WIDTH, Image, Issue, Item, Site
from ..render import PagePlan, render_page
from ..write import check_file_target, write_file
from .plaintext import PlainText, fit_lines

GMAIL_CLIP_BYTES = 102_400  # Gmail shows "[Message clipped]" past about 102 KB of HTML
TEASER_WORDS = 45
# The edition's templates; its files in the output are named in layout.edition_files.
EMAIL_HTML = "email.html"
EMAIL_TEXT = "email.txt"


@dataclass(frozen=True)
class EmailEdition:
    """One issue's email: subject, HTML with inlined styles, and plain text."""

    issue: Issue
    subject: str
    html: str
    text: str


@dataclass(frozen=True)
class EmlReport:
    """What `bulletin email --eml` wrote."""

    path: Path
    subject: str
    html_bytes: int
    warnings: tuple[Problem, ...]


class EmailError(BulletinError):
    """The email edition cannot be made as asked; the message says what to change."""


def email_plans(site: Site, problems: Problems,
                gettext: Callable[[str], str] = str) -> list[PagePlan]:
    """`email.html` and `email.txt` of every issue; a warning instead when they cannot be made."""
    missing = missing_requirement(site.config)
    if missing:
        problems.warn(Location(CONFIG_FILE), f"email edition skipped: {missing[0]}", missing[1])
        return []
    return [plan for issue in site.issues for plan in issue_email_plans(site, issue, gettext)]


def issue_email_plans(site: Site, issue: Issue,
                      gettext: Callable[[str], str] = str) -> tuple[PagePlan, PagePlan]:
    """The plans of one issue's `email.html` and `email.txt`, rendered like web pages; the
    plain text's own words (Notes:, [Image: ...]) through `gettext`."""
    config = site.config
    web_url = config.absolute(issue.url)
    context = {
        "issue": issue,
        "subject": email_subject(site, issue, gettext),
        "web_url": web_url,
        "link_base": config.base_url,  # every link absolute (templates.py)
        "digest": config.email.mode == "digest",
        "teaser": teaser,
        "preheader": issue.summary or _contents_line(issue),
        # Passed through as written: a mailing tool replaces its merge tag (*|UNSUB|*) itself.
        "unsubscribe_url": Markup(config.email.unsubscribe_url),
    }
    # The pictures its text places (`_sized`), measured with the issue: one replaced by
    # another of other dimensions changes the issue, and so makes the email anew.
    pictures = {image.url: image for image in issue.pictures}
    copies = {image.at(EMAIL_WIDTH) for image in (issue.image, *(i.image for i in issue.items),
                                                  *issue.pictures)
              if image is not None and image.width}
    sizes = partial(_email_image, config.absolute(""), pictures, copies)
    _, html_path, text_path = edition_files(issue.url, issue.slug)
    return (PagePlan(html_path, issue.url, EMAIL_HTML, context,
                     finish=partial(_finish_html, issue, web_url, config.absolute(""), sizes)),
            PagePlan(text_path, issue.url, EMAIL_TEXT,
                     {**context, "text": PlainText(web_url, gettext=gettext)},
                     finish=partial(_finish_text, text_direction(issue.lang or config.language)
                                    == "rtl")))


def _contents_line(issue: Issue) -> str:
    """What an issue without a summary shows beside its subject in the inbox: its items'
    titles, a briefs file's briefs for its title ('News in brief' said nothing of an issue of
    briefs alone), each by its headline or its first words."""
    titles = []
    for item in issue.items:
        titles += [brief.headline or shorten(plain(brief.html), 50) for brief in item.briefs] \
            or [item.title]
    return " · ".join(titles)


def email_subject(site: Site, issue: Issue, gettext: Callable[[str], str] = str) -> str:
    """The issue's `email_subject:`, else 'Site: Issue', joined as the language writes it
    (the theme's '%(site)s: %(page)s')."""
    if issue.email_subject:
        return issue.email_subject
    return gettext("%(site)s: %(page)s") % {"site": site.config.title, "page": issue.title}


def _finish_html(issue: Issue, web_url: str, root: str, sizes: ImageSizes, html: str,
                 problems: Problems) -> bytes:
    """The email's HTML with every link absolute, the text's images sized and every style
    inlined."""
    unlabelled: list[str] = []  # the src of each <img> without alt, found on the same walk
    html = rewrite_start_tags(_drop_web_only(html),
                              partial(_email_tag, web_url, sizes, unlabelled))
    check_email_images(issue, root, unlabelled, problems)
    data = _charset_first(inline_css(html)).encode("utf-8")
    check_email_size(issue, len(data), problems)
    return data


def _finish_text(right_to_left: bool, text: str, problems: Problems) -> bytes:
    """The plain text, its lines fitted; in a language read right to left, each line that
    holds a letter of such a script begins with a right-to-left mark: a mail client sets each
    line as a paragraph of its own, in the direction of its first letter, and a line that
    began with a Latin name or a number ran left to right, out of order. A line without one
    (an address, an English sentence) is left to go left to right: set right to left, its
    full stop and an address's last slash went to its start."""
    text = fit_lines(text)
    if right_to_left:
        text = "\n".join(f"{RLM}{line}" if _RIGHT_TO_LEFT.search(line) else line
                         for line in text.split("\n"))
    return text.encode("utf-8")


RLM = "\u200f"  # RIGHT-TO-LEFT MARK
# A letter of a script written right to left: Hebrew, Arabic, Syriac, Thaana, N'Ko... and
# their presentation forms.
_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def missing_requirement(config: SiteConfig) -> tuple[str, str] | None:
    """(what is missing, how to fix it) when the email edition cannot be made, else None."""
    if not config.base_url:
        return ("base_url is not set, and every link in an email must be absolute",
                "add 'base_url: https://example.org/bulletin/' to bulletin.yaml or pass "
                "--base-url; 'email: {enabled: false}' switches the edition off")
    try:
        import css_inline  # noqa: F401
    except ImportError:
        return ("css-inline is not installed", "pip install 'bulletin-gen[email]'")
    return None


def check_email_size(issue: Issue, size: int, problems: Problems) -> None:
    """Warn when Gmail would clip the message of `size` bytes of HTML."""
    if size > GMAIL_CLIP_BYTES:  # Gmail shows the rest only behind a link
        problems.warn(Location(issue.source), f"the email edition of '{issue.slug}' is "
                      f"{size / 1024:.0f} KB of HTML; Gmail clips messages over 100 KB",
                      "set 'email: {mode: digest}' in bulletin.yaml to send summaries, or move "
                      "items to another issue")


def check_email_images(issue: Issue, root: str, unlabelled: list[str],
                       problems: Problems) -> None:
    """Warn of the templates' images with no alt text (`unlabelled`: their src, as written
    before the links were made absolute; the text's, from the site's address `root`). Many
    mail clients block images until asked: the alt text is what readers see first. The text's
    own (Markdown's empty brackets, raw HTML's <img>) were reported at their file and line
    when it was read; an empty alt="" is a decoration."""
    if not unlabelled:
        return
    written = srcs_without_alt(fragment for _, fragment in issue.fragments())
    for src in unlabelled:  # the text's are absolute by now, from the site's address
        # A text's <img> whose address was absolute as written is in `written` as it is.
        if src not in written and shown_src(src.removeprefix(root)) not in written:
            problems.warn(Location(issue.source), "an image of the email edition has no alt "
                          f"text: {src or '<img>'}", ALT_ATTRIBUTE)


def render_email(site: Site, env: Environment, issue: Issue,
                 problems: Problems) -> EmailEdition:
    """Render one issue's email edition with the theme's (or the site's) email templates."""
    translations = env.globals.get("translations")  # see templates.install_language
    words = translations.gettext if isinstance(translations, NullTranslations) else str
    html, text = (render_page(env, site, plan) for plan in issue_email_plans(site, issue, words))
    for warning in html.warnings:
        problems.warnings.append(warning)
    return EmailEdition(issue, email_subject(site, issue, words), html.data.decode("utf-8"),
                        text.data.decode("utf-8"))


def teaser(item: Item, words: int = TEASER_WORDS) -> str:
    """The item's summary, or the opening words of its first paragraph."""
    if item.summary:
        return item.summary
    sections = item.roundtable.sections if item.roundtable else ()
    source = item.html or (sections[0].html if sections else "")
    match = re.search(r"<p>(.*?)</p>", source, re.S)
    text = " ".join(htmllib.unescape(re.sub(r"<[^>]+>", "", match.group(1))).split()) \
        if match else ""
    cut = text.split(" ")
    return text if len(cut) <= words else " ".join(cut[:words]).rstrip(",;:") + "…"


# Values that start like a path or a fragment; merge tags (*|UNSUB|*, {{ x }}, <%x%>, %%x%%,
# [x]) start with punctuation and are left alone.
_RELATIVE = re.compile(r"[#?./\w]")


def _is_relative(name: str, value: str | None) -> bool:
    return name in ("href", "src") and bool(value) and bool(_RELATIVE.match(value or "")) \
        and not is_external(value or "")


def absolute_links(html: str, page_url: str) -> str:
    """Resolve every relative href and src (`#fn-1`, `images/x.png`) against `page_url`."""
    return rewrite_start_tags(html, partial(_absolute, page_url))


def _absolute(page_url: str, tag: str, attrs: Attrs) -> Attrs | None:
    if not any(_is_relative(name, value) for name, value in attrs):
        return None
    return [(name, urljoin(page_url, value) if value and _is_relative(name, value) else value)
            for name, value in attrs]


# An image's absolute URL -> the URL to show it at, and its width and height in the email.
ImageSizes = Callable[[str], tuple[str, int, int] | None]


def _email_image(base: str, pictures: dict[str, Image], copies: set[str],
                 src: str) -> tuple[str, int, int] | None:
    """The site's own picture at `src` as the email shows it (`pictures`: those its text
    shows, measured when its plans were made): its copy for the email when one is made (an
    `image:`'s, images.py), at most the column's width, its height to match."""
    # `pictures` by their site paths; `src` an address, percent-encoded (markdown.address).
    image = pictures.get(unquote(src[len(base):])) if src.startswith(base) else None
    if image is None:
        return None
    copy = image.at(EMAIL_WIDTH)
    return ((base + address(copy, file_name=True) if copy in copies else src),
            min(EMAIL_COLUMN, image.width), image.height_at(EMAIL_COLUMN))


def _sized(sizes: ImageSizes, tag: str, attrs: Attrs) -> Attrs | None:
    """An <img> of the site's own pictures with no width (one placed in the text) with a
    width and height, and its copy for the email when there is one: Outlook ignores CSS
    max-width and draws a picture at its own size, wider than the message."""
    if tag != "img":
        return None
    values = dict(attrs)
    sized = None if "width" in values else sizes(values.get("src") or "")
    if sized is None:
        return None
    src, width, height = sized
    # As the `image:` (email/item.html): Outlook takes the width attribute, the others the
    # style, which shrinks the picture to a phone's column even when images are blocked (a
    # width alone held the column at its size, around the alt text).
    style = f"width: 100%; max-width: {width}px; height: auto"
    values.update(src=src, width=str(width), height=str(height),
                  style=f"{style}; {values['style']}" if values.get("style") else style)
    return list(values.items())


def _email_tag(web_url: str, sizes: ImageSizes, unlabelled: list[str], tag: str,
               attrs: Attrs) -> Attrs | None:
    """A start tag of the email with its links absolute and, an <img> of the text, sized; an
    <img> without alt text is noted in `unlabelled` as written. One walk over the email's
    HTML for the three."""
    src = unlabelled_src(tag, attrs)
    if src is not None:
        unlabelled.append(src)
    absolute = _absolute(web_url, tag, attrs)
    changed = _sized(sizes, tag, absolute or attrs) or absolute
    return _in_ascii(changed or attrs) or changed


def _in_ascii(attrs: Attrs) -> Attrs | None:
    """`attrs` with the addresses of their links and pictures in ASCII (`as_uri`), when one
    has a letter beyond it ('.../pécs/'): some mailing tools' click tracking rejects
    such a link. None when none has."""
    if all(value is None or value.isascii() for name, value in attrs if name in ("href", "src")):
        return None
    return [(name, as_uri(value) if name in ("href", "src") and value else value)
            for name, value in attrs]


def _drop_web_only(html: str) -> str:
    """The email's HTML without what only a web page can use: a footnote's "back to the text"
    arrow would open the web page, and a heading hidden for screen readers (the footnotes'
    "Notes") shows in mail clients, which drop the styles that hide it."""
    html = re.sub(r'\s*<a [^>]*class="footnote-backref"[^>]*>.*?</a>', "", html)
    return re.sub(r'<(h[1-6]) class="visually-hidden"[^>]*>.*?</\1>\n?', "", html)


def _charset_first(html: str) -> str:
    """The inlined HTML with its `<meta charset>` first in `<head>`, where it must be within
    the first 1,024 bytes: css-inline puts the small-screen `<style>` before it."""
    meta = '<meta charset="utf-8">'
    if meta not in html or html.find(meta) < html.find("<style"):
        return html
    return html.replace(f"{meta}\n", "", 1).replace("<head>", f"<head>{meta}", 1)


def inline_css(html: str) -> str:
    """Move every CSS rule into `style` attributes; keep @media rules for small screens."""
    import css_inline

    inliner = css_inline.CSSInliner(keep_at_rules=True, keep_link_tags=False,
                                    load_remote_stylesheets=False)
    return str(inliner.inline(html))


# The .eml message -----------------------------------------------------------------------


def email_message(config: SiteConfig, edition: EmailEdition,
                  to: tuple[str, ...] = ()) -> EmailMessage:
    """A multipart/alternative message (text, then HTML) with fixed headers and boundary, to
    the addresses `to` (none: the mail program or the mailing tool says whom).

    It is dated noon UTC of the issue's date, which is that date from Hawaii to New Zealand
    (midnight was the evening before in the Americas). It has no Message-ID: the server that
    sends it gives each message one of its own, so that a test sent to oneself first is not
    taken for the mailing (Gmail shows one message of each ID)."""
    digest = hashlib.sha256((edition.html + edition.text).encode("utf-8")).hexdigest()
    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = edition.subject
    message["From"] = sender(config)
    if to:
        message["To"] = [mailbox(address) for address in to]
    message["Date"] = format_datetime(dt.datetime.combine(edition.issue.date, dt.time(12),
                                                          tzinfo=dt.UTC))
    unsubscribe = config.email.unsubscribe_url
    if unsubscribe.startswith(("https://", "http://", "mailto:")):
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message.set_content(edition.text)
    message.add_alternative(edition.html, subtype="html")
    message["Content-Language"] = edition.issue.lang or config.language  # after the parts
    message.set_boundary(f"=_bulletin_{digest[32:56]}")
    return message


def sender(config: SiteConfig) -> Address:
    """`email.from`, or the bulletin's title with its contact address."""
    if config.email.from_address:
        return mailbox(config.email.from_address)
    if config.contact.email:
        return mailbox(config.contact.email, config.title)
    raise EmailError("the email needs a sender: add 'email: {from: \"Bulletin "
                     "<news@example.org>\"}' or 'contact: {email: ...}' to bulletin.yaml")


def _is_message(start: bytes) -> bool:
    """Whether a file beginning with `start` is an email message (MIME), as .eml files are."""
    return "MIME-Version" in BytesHeaderParser().parsebytes(start)


def export_eml(site_dir: Path, name: str, target: Path | None = None, drafts: bool = False,
               base_url: str | None = None, language: str | None = None,
               to: tuple[str, ...] = ()) -> EmlReport:
    """Write the email edition of the issue `name` (its slug, folder or file) as a .eml file
    at `target` (by default ISSUE.eml, ISSUE.CODE.eml in a translation's language), to the
    addresses `to`; in `language` ('es': its translation), or that of the translation file
    `name` names, else the main language."""
    from ..pipeline import load_issue  # the build imports the editions, so not at the top

    for written in to:
        mistake = mailbox_mistake(written)
        if mistake:
            raise EmailError(f"--to: '{written}' {mistake} (write one address: "
                             "'Name <user@example.org>')")
    one = load_issue(site_dir, name, language, base_url)
    target = one.target(target, "eml")
    check_file_target(target, site_dir, "email message", _is_message)
    missing = missing_requirement(one.site.config)
    if missing:
        raise EmailError(f"cannot make the email edition: {missing[0]} ({missing[1]})")
    if one.issue.is_draft and not drafts:
        raise EmailError(f"issue '{one.issue.slug}' is a draft: pass --drafts to send it anyway")
    made = Problems()
    edition = render_email(one.site, one.env, one.issue, made)
    if not one.site.config.email.unsubscribe_url:
        made.warn(Location(CONFIG_FILE), "the message has no unsubscribe link: a mailing tool "
                  "adds its own, but one sent as it is must have one",
                  "set email.unsubscribe_url to a link, or to your mailing tool's merge tag")
    data = email_message(one.site.config, edition, to).as_bytes()
    write_file(target, data)
    return EmlReport(target, edition.subject, len(edition.html.encode("utf-8")),
                     one.warnings + tuple(made.warnings))
