"""Stage 1: `bulletin.yaml` -> a frozen `SiteConfig`.

The dataclasses below are the schema: every key an editor may write, its default, and what it
means. `load_config` reads the file once, collects every problem, and raises them together.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, fields, replace
from email.headerregistry import Address
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ContentError, Location, Problem, Problems, did_you_mean
from .fields import FieldReader
from .i18n import language_mistake
from .layout import CONFIG_FILE, missing_site
from .markdown import address, ascii_host, slugify, typographic
from .pictures import picture_size
from .yamlio import NO_EXTRA, Extra, Mapping, YamlError, load_yaml


@dataclass(frozen=True)
class Contact:
    """Someone readers can write to: a name, an optional role, an optional email."""

    name: str = ""
    role: str = ""
    email: str = ""

    def __bool__(self) -> bool:
        return bool(self.name or self.email)


# No contact: one object for every item and issue without one, so that the model memo writes
# (and reads back) one per file instead of one for each of ten thousand items.
NO_CONTACT = Contact()


@dataclass(frozen=True)
class Organisation:
    """The publisher: shown in the footer, the feed and the print edition's metadata."""

    name: str = ""
    url: str = ""


@dataclass(frozen=True)
class Colours:
    """`colours:` the theme's accent (the header, links, rules) and highlight (a link under
    the pointer, the focus ring, the kind of an item), in every edition: web, print, email."""

    accent: str = "#0b5c7a"
    highlight: str = "#8a3b12"

    @property
    def changed(self) -> bool:
        """True when either is not the theme's own: the pages then say so in a <style>."""
        return self != THEME_COLOURS


THEME_COLOURS = Colours()
COLOUR_KEYS = tuple(each.name for each in fields(Colours))
OTHER_COLOURS = ("colours: takes accent and highlight; the theme's other colours, such as "
                 "--paper and --ink, are CSS custom properties: set them for the web pages in a "
                 "<style> in the head block of templates/base.html, as docs/templates.md shows")


@dataclass(frozen=True)
class PdfConfig:
    """`pdf:` the print edition."""

    enabled: bool = True
    paper: str = "A4"  # A4 | Letter


@dataclass(frozen=True)
class EmailConfig:
    """`email:` the email edition."""

    enabled: bool = True
    mode: str = "full"  # full | digest
    from_address: str = ""  # `from:` in bulletin.yaml
    unsubscribe_url: str = ""


@dataclass(frozen=True)
class SearchConfig:
    """`search:` the search page and its index (Pagefind)."""

    enabled: bool = True


@dataclass(frozen=True)
class PublishTarget:
    """One destination of `publish:`, by its name: an S3-compatible bucket or a GitHub Pages
    branch. Credentials never come from here: boto3 finds them (environment, profile, role)."""

    name: str
    type: str  # s3 | github-pages
    bucket: str = ""
    prefix: str = ""  # '' or a folder of the bucket, ending in '/'
    region: str = ""
    endpoint_url: str = ""  # any S3-compatible store: MinIO, R2, Ceph...
    cache_pages: str = "public, max-age=300"
    # An hour: the stylesheet, a PDF or a picture keeps its name when it is corrected.
    cache_assets: str = "public, max-age=3600"
    branch: str = "gh-pages"
    remote: str = "origin"
    cname: str = ""


@dataclass(frozen=True)
class LinksConfig:
    """`links:` how the build treats a link to a file it does not publish."""

    missing: str = "error"  # 'warning' lets an old archive with dead links publish


@dataclass(frozen=True)
class TermName:
    """A tag's or a region's name in a language: `languages: {es: {tags: {water: agua}}}`."""

    slug: str  # of the name as the originals write it: its page keeps the original's address
    name: str
    line: int  # of bulletin.yaml, for a name no item uses
    written: str  # the original's name as bulletin.yaml writes it, for that message


@dataclass(frozen=True)
class Language:
    """One entry of `languages:`: a language the bulletin is translated into, with the site's
    title and tagline in it (the main language's when not given), and the names of tags and
    regions in it (the originals' when not given)."""

    code: str  # a BCP 47 tag: 'es', 'pt-BR', 'zh-Hant'
    title: str
    tagline: str = ""
    tagline_lang: str = ""  # the main language, when the tagline is its (none of its own)
    tags: tuple[TermName, ...] = ()
    regions: tuple[TermName, ...] = ()


@dataclass(frozen=True)
class SiteConfig:
    """Everything `bulletin.yaml` can say, with defaults."""

    title: str
    tagline: str = ""
    # A translation's site showing the main language's tagline (none of its own): that
    # language, so that the tagline is marked with it (templates.lang_attributes).
    tagline_lang: str = ""
    base_url: str = ""  # absolute URL of the published site, always ending in '/'
    language: str = "en"
    organisation: Organisation = field(default_factory=Organisation)
    contact: Contact = NO_CONTACT
    nav: tuple[str, ...] = ()  # page slugs linked from the header
    recent_issues: int = 6  # how many earlier issues the home page lists
    per_page: int = 50  # entries on each page of a tag or region; later ones go to page/2/ ...
    feed_entries: int = 50  # the newest items and briefs in each feed of items
    unsafe_html: bool = False  # true keeps raw HTML in Markdown as written (no sanitising)
    # Files of static/ (as 'logo.svg'), or https:// addresses: shown in the header, the
    # browser's tab, and the preview of a link shared on social media (default: the logo).
    logo: str = ""
    # its width and height (their proportion), when it is a file here
    logo_size: tuple[float, float] | None = None
    favicon: str = ""
    og_image: str = ""
    subscribe_url: str = ""  # the mailing tool's sign-up page: header, footer and email
    pdf: PdfConfig = field(default_factory=PdfConfig)
    email: EmailConfig = field(default_factory=EmailConfig)
    search: SearchConfig = field(default_factory=SearchConfig)
    publish: tuple[PublishTarget, ...] = ()
    links: LinksConfig = field(default_factory=LinksConfig)
    colours: Colours = field(default_factory=Colours)
    # The other languages, in the order of the language menu; the main one is `language`.
    languages: tuple[Language, ...] = ()
    untranslated: str = "original"  # an issue's untranslated items: 'original' | 'omit'
    extra: Extra = NO_EXTRA  # `extra:`, for the site's own templates
    # The line of each key in bulletin.yaml, so later stages can point at it (nav: ...).
    key_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def logo_width(self, height: int) -> int | None:
        """The logo's width when shown `height` pixels high, so that a page keeps its place
        before the picture arrives (and Outlook, which reads no CSS, draws it in shape)."""
        if self.logo_size is None:
            return None
        width, tall = self.logo_size
        return max(1, round(height * width / tall))

    @property
    def email_logo(self) -> str:
        """The logo, when mail clients can show it: Gmail and Outlook show no SVG."""
        return self.logo if self.logo.lower().endswith((".png", ".jpg", ".jpeg", ".gif")) else ""

    @property
    def base_path(self) -> str:
        """The path part of `base_url` ('/' or '/project/'), for sites under a sub-path."""
        return urlsplit(self.base_url).path or "/" if self.base_url else "/"

    def absolute(self, path: str) -> str:
        """The public URL of a site path such as 'issues/x/'; a full URL stays as it is."""
        if "://" in path:
            return path
        return (self.base_url or "/") + address(path.lstrip("/"))


def read_contact(reader: FieldReader, key: str = "contact") -> Contact:
    """A `{name, role, email}` mapping, or a bare name."""
    if isinstance(reader.data.get(key), str):
        return Contact(name=reader.text(key))
    sub = reader.mapping(key)
    contact = Contact(sub.line("name"), sub.text("role"), sub.line("email"))
    if contact.email and "@" not in contact.email:
        sub.error("email", f"{key}.email: '{contact.email}' is not an email address",
                  "write it as name@example.org")
    sub.finish()
    return NO_CONTACT if contact == NO_CONTACT else contact


def load_config(site_dir: Path, base_url: str | None = None,
                problems: Problems | None = None) -> tuple[SiteConfig, Problems]:
    """Read `bulletin.yaml` in `site_dir`; raise `ContentError` listing every problem.

    Args:
        site_dir: the site folder.
        base_url: `--base-url`, which replaces the file's `base_url`.
        problems: when given, field problems are added to it and not raised, so that the
            caller can report them together with the content's. A missing or unreadable
            file is always raised at once: there is nothing to go on.
    """
    path = site_dir / CONFIG_FILE
    collect = problems is not None
    problems = problems if problems is not None else Problems()
    missing = missing_site(site_dir)
    if missing:
        raise ContentError([Problem(Location(missing[0]), *missing[1:])])
    raw = path.read_bytes()
    try:
        data = load_yaml(raw.decode("utf-8-sig"))
    except YamlError as error:
        raise ContentError([Problem(Location(CONFIG_FILE, error.line), str(error),
                                    error.hint)]) from None
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ContentError([Problem(Location(CONFIG_FILE, line), "not valid UTF-8 text",
                                    "save the file with UTF-8 encoding")]) from None
    config = _static_files(read_config(FieldReader(data, CONFIG_FILE, problems)), site_dir,
                           problems)
    if base_url is not None:
        mistake, hint = _base_url_mistake(base_url)
        if mistake:
            problems.add(Location("--base-url"), mistake, hint)
        config = replace(config, base_url=_normalise_base_url(base_url))
    if not collect:
        problems.raise_if_any()
    return config, problems


def read_config(reader: FieldReader) -> SiteConfig:
    """Turn the mapping of `bulletin.yaml` into a `SiteConfig`, recording problems."""
    title = reader.line("title", required=True)
    base_url = reader.text("base_url")
    mistake, hint = _base_url_mistake(base_url) if base_url else ("", "")
    if mistake:
        reader.error("base_url", f"base_url: {mistake}", hint)
    organisation = reader.mapping("organisation")
    org = Organisation(organisation.text("name"), organisation.text("url"))
    if org.url and not org.url.startswith(("https://", "http://")):
        organisation.error("url", f"organisation.url: '{org.url}' is not an http(s) URL",
                           "write it as https://example.org/")
        org = Organisation(org.name)
    organisation.finish()
    pdf = reader.mapping("pdf")
    pdf_config = PdfConfig(pdf.boolean("enabled", True),
                           pdf.choice("paper", ("A4", "Letter"), "A4"))
    pdf.finish()
    email = reader.mapping("email")
    email_config = EmailConfig(
        enabled=email.boolean("enabled", True),
        mode=email.choice("mode", ("full", "digest"), "full"),
        from_address=email.line("from"),
        unsubscribe_url=email.text("unsubscribe_url"),
    )
    mistake = mailbox_mistake(email_config.from_address) if email_config.from_address else ""
    if mistake:
        email.error("from", f"email.from: '{email_config.from_address}' {mistake}",
                    "write one address: 'Bulletin <news@example.org>'")
    mistake = _unsubscribe_mistake(email_config.unsubscribe_url)
    if mistake:  # it is written into href="..." as it is, for the merge tags' sake
        email.error("unsubscribe_url", f"email.unsubscribe_url: {mistake}",
                    "write an https:// or mailto: link, or the merge tag of your mailing tool, "
                    "e.g. '*|UNSUB|*'")
    email.finish()
    search = reader.mapping("search")
    search_config = SearchConfig(search.boolean("enabled", True))
    search.finish()
    publish = _publish_targets(reader.mapping("publish"))
    links = reader.mapping("links")
    links_config = LinksConfig(links.choice("missing", ("error", "warning"), "error"))
    links.finish()
    colours = _colours(reader.mapping("colours"))
    language = reader.language("language", "en")
    config = SiteConfig(
        title=typographic(title, language),  # its apostrophe curled, as the tagline's
        tagline=typographic(reader.text("tagline"), language),
        base_url=_normalise_base_url(base_url),
        language=language,
        organisation=org,
        contact=read_contact(reader),
        nav=reader.names("nav"),
        recent_issues=_count(reader, "recent_issues", 6),
        per_page=_count(reader, "per_page", 50, least=1,
                        hint="the entries on each page of a tag or region, e.g. 'per_page: 50'"),
        feed_entries=_count(reader, "feed_entries", 50, least=1,
                            hint="the newest items and briefs each feed of items holds, e.g. "
                                 "'feed_entries: 100'"),
        unsafe_html=reader.boolean("unsafe_html", False),
        logo=reader.text("logo"),
        favicon=reader.text("favicon"),
        og_image=reader.text("og_image"),
        subscribe_url=_http_url(reader, "subscribe_url", "https://example.org/subscribe"),
        pdf=pdf_config,
        email=email_config,
        search=search_config,
        publish=publish,
        links=links_config,
        colours=colours,
        untranslated=reader.choice("untranslated", ("original", "omit"), "original"),
        extra=reader.extra(),
        key_lines=dict(reader.data.lines),
    )
    config = replace(config, languages=_languages(_languages_section(reader), config))
    if not _report_stray_languages(reader) and "languages" in reader.data and \
            not reader.data["languages"]:
        reader.problems.warn(reader.at("languages"), "languages: lists no language",
                             "list each other language indented below it, as '  fr: {}', or "
                             "leave 'languages:' out")
    reader.finish()
    return config


def _languages_section(reader: FieldReader) -> FieldReader:
    """`languages:`; a list of codes (`[es, fr]`) is an error with the mapping to write, and
    is read as that mapping, so that its translations are not also said to be unlisted."""
    listed = reader.data.get("languages")
    if not (isinstance(listed, list) and listed and all(isinstance(code, str) and
                                                       _LANGUAGE_CODE.fullmatch(code)
                                                       for code in listed)):
        return reader.mapping("languages")
    reader.raw("languages")  # said here, not also an unknown field
    reader.error("languages", "languages: expected a mapping, got a list: each language is a "
                 "key, with its settings under it",
                 f"write 'languages: {{{', '.join(f'{code}: {{}}' for code in listed)}}}'")
    section = FieldReader(None, reader.path, Problems(), what="languages", prefix="languages.")
    section.data = Mapping(dict.fromkeys(listed), start_line=reader.data.line_of("languages"))
    return section


def _report_stray_languages(reader: FieldReader) -> bool:
    """A warning for each language written at the top of bulletin.yaml (`fr: {}`), which
    belongs under `languages:` (the warning for an unknown field would say nothing of it);
    whether there was one."""
    found = False
    for key in reader.data:
        code = str(key)
        if key in reader.seen or not _LANGUAGE_CODE.fullmatch(code) or language_mistake(code):
            continue
        if isinstance(reader.data[key], (Mapping, type(None))):
            reader.raw(key)  # said here: not an unknown field too
            reader.problems.warn(reader.at(key), f"unknown field '{code}': a language of the "
                                 "site is listed under 'languages:'",
                                 f"indent it there: 'languages:' on a line, then '  {code}: {{}}'")
            found = True
    return found


_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


def _languages(section: FieldReader, config: SiteConfig) -> tuple[Language, ...]:
    """`languages: {es: {title: ..., tagline: ...}, fr: {}}`, in the order written."""
    found: list[Language] = []
    for code in list(section.data.keys()):
        fields = section.mapping(code)
        tag = str(code)
        if tag in ("True", "False"):  # YAML reads `no:` (Norwegian) as false, `on:` as true
            section.error(code, f"languages: '{tag}' is not a language code",
                          "put the code in quotes: 'no': {}")
        elif mistake := language_mistake(tag):
            section.error(code, f"languages: {mistake[0]}", mistake[1])
        elif tag.lower() == config.language.lower():
            section.error(code, f"languages: '{tag}' is the main language ('language: "
                          f"{config.language}')", "list only the other languages here")
        else:
            tagline = typographic(fields.text("tagline"), tag)
            found.append(Language(tag, typographic(fields.line("title"), tag) or config.title,
                                  tagline or config.tagline,
                                  "" if tagline or not config.tagline else config.language,
                                  _term_names(fields.mapping("tags"), tag),
                                  _term_names(fields.mapping("regions"), tag)))
            # A wrong code is one error: its title and tagline are not unknown fields too.
            fields.finish()
    section.finish(tuple(str(code) for code in section.data))
    return tuple(found)


def _term_names(section: FieldReader, language: str) -> tuple[TermName, ...]:
    """`tags: {water: agua, Peru: Perú}`: each name as the originals write it (any spelling of
    it: 'Water' is 'water'), with its name in the language."""
    found = []
    for key in section.data:
        if not isinstance(key, str):  # YAML reads `no:` as false, `1:` as a number
            section.error(key, f"{section.label(str(key))}: a name YAML does not read as text",
                          f"put it in quotes: '{key}': ...")
            continue
        name = typographic(section.line(key), language)
        if not name:
            section.error(key, f"{section.label(str(key))}: no name given",
                          f"write the name in this language: '{key}: ...'")
        else:
            found.append(TermName(slugify(key), name, section.data.line_of(key), key))
    return tuple(found)


SECRETS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token", "password",
           "token", "secret")


def _publish_targets(section: FieldReader) -> tuple[PublishTarget, ...]:
    """`publish: {NAME: {type: s3, bucket: ...}, ...}`, each destination checked."""
    targets = []
    for name in sorted(section.data.keys()) if isinstance(section.data, dict) else []:
        fields = section.mapping(name)
        for key in SECRETS:
            if key in fields.data:
                fields.error(key, f"publish.{name}.{key}: credentials do not belong in "
                             "bulletin.yaml, which is published with the site's sources",
                             "set them in the environment (AWS_ACCESS_KEY_ID, "
                             "AWS_SECRET_ACCESS_KEY) or an AWS profile")
                fields.raw(key)
        kind = fields.choice("type", ("s3", "github-pages"), "s3")
        prefix = fields.text("prefix").strip("/")
        target = PublishTarget(
            name=name, type=kind, bucket=fields.text("bucket"),
            prefix=prefix + "/" if prefix else "", region=fields.text("region"),
            endpoint_url=_http_url(fields, "endpoint_url", "http://127.0.0.1:9000",
                                   f"publish.{name}."),
            cache_pages=fields.text("cache_pages", PublishTarget.cache_pages),
            cache_assets=fields.text("cache_assets", PublishTarget.cache_assets),
            branch=_branch(fields, name), remote=fields.text("remote", "origin"),
            cname=_cname(fields, name))
        if "/" in target.bucket:  # an address: s3://news-site/bulletin/
            name_alone, _, folder = re.sub(r"^[a-z0-9]+://", "", target.bucket).partition("/")
            fields.error("bucket", f"publish.{name}.bucket: '{target.bucket}' is an address, "
                         "and the bucket is named alone",
                         f"write 'bucket: {name_alone}'"
                         + (f" and 'prefix: {folder.strip('/')}/'" if folder.strip("/") else ""))
        # An unknown type is its own error: it is not also said to lack an s3 bucket.
        if fields.data.get("type", "s3") == "s3" and not target.bucket:
            fields.error("type", f"publish.{name}: an s3 destination needs 'bucket:'",
                         "write e.g. 'bucket: my-bulletin'")
        fields.finish()
        targets.append(target)
    section.finish()
    return tuple(targets)


def _branch(fields: FieldReader, name: str) -> str:
    """A Pages destination's `branch:`, as git allows a branch to be named (git
    check-ref-format), so that the error comes here and not from git at the end of a publish."""
    branch = fields.text("branch", "gh-pages")
    if _BAD_BRANCH.search(branch) or branch.startswith(("-", "/")) or \
            branch.endswith(("/", ".", ".lock")):
        fields.error("branch", f"publish.{name}.branch: '{branch}' is not a name git allows "
                     "for a branch", "write e.g. 'branch: gh-pages' (no spaces, '..', ':', '~', "
                     "'^', '?', '*', '[' or '\\')")
    return branch


_BAD_BRANCH = re.compile(r"[\s~^:?*\[\\\x00-\x1f\x7f]|\.\.|@\{|//|/\.")


def _cname(fields: FieldReader, name: str) -> str:
    """A Pages destination's `cname:`, the domain alone, as GitHub reads its CNAME file."""
    cname = fields.text("cname").strip()
    host = re.sub(r"^[a-z]+://", "", cname).split("/")[0]
    if cname and host != cname:
        fields.error("cname", f"publish.{name}.cname: '{cname}' is an address, and GitHub "
                     "Pages wants the domain alone", f"write 'cname: {host}'")
    return cname


HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
# The contrast with white that readers need (WCAG 2): text, and the focus ring around it.
TEXT_CONTRAST, RING_CONTRAST = 4.5, 3.0


def _colours(section: FieldReader) -> Colours:
    """`colours: {accent: "#2f5d3a", highlight: "#7a3b12"}`: hex colours, as every mail client
    reads them. White text sits on the accent and links are drawn in it on white, so one too
    light to read is a warning."""
    found = {}
    for key, least in (("accent", TEXT_CONTRAST), ("highlight", RING_CONTRAST)):
        written = section.line(key)
        if not written:
            if key in section.data:  # `accent: #2f5d3a`: YAML reads a comment
                section.error(key, f"{section.label(key)}: no colour given",
                              f"put it in quotes, as YAML reads a # as a comment: "
                              f"{key}: \"#2f5d3a\"")
            continue
        if not HEX_COLOUR.fullmatch(written):
            section.error(key, f"{section.label(key)}: '{written}' is not a colour written as "
                          "#rrggbb",
                          f"write it in hex, in quotes: {key}: \"#2f5d3a\"")
            continue
        colour = _six_digits(written.lower())
        ratio = _contrast_with_white(colour)
        if ratio < least:
            section.problems.warn(section.at(key), f"{section.label(key)}: {written} against white "
                                  f"has a contrast of {ratio:.1f}:1, under the {least:g}:1 "
                                  "readers need", "choose a darker colour")
        found[key] = colour
    # A colour of the theme's other than these two (paper, ink) is set in CSS: say so, and
    # which keys there are, where the key is no typo of one of them.
    section.finish(elsewhere={key: did_you_mean(key, COLOUR_KEYS) or OTHER_COLOURS
                              for key in section.data if key not in COLOUR_KEYS})
    return Colours(**found)


def _six_digits(colour: str) -> str:
    """'#abc' as '#aabbcc'."""
    return colour if len(colour) == 7 else "#" + "".join(digit * 2 for digit in colour[1:])


def rgb(colour: str) -> tuple[int, int, int]:
    """The red, green and blue of `colour` (#rrggbb), 0-255."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _contrast_with_white(colour: str) -> float:
    """WCAG 2's contrast ratio of `colour` (#rrggbb) and white."""
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in rgb(colour))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return 1.05 / (luminance + 0.05)


def _http_url(reader: FieldReader, key: str, example: str, section: str = "") -> str:
    """An http(s) address, or '' (with an error) for anything else; `section` ('publish.x.')
    is the path to the field, for the message."""
    url = reader.text(key)
    if url and not (urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc):
        reader.error(key, f"{section}{key}: '{url}' is not an http(s) URL",
                     f"write it as {example}")
        return ""
    return url


def _static_files(config: SiteConfig, site_dir: Path, problems: Problems) -> SiteConfig:
    """The site's own images (logo, favicon, og_image) checked against static/: a missing
    file is an error at its line, since every page would link to it."""

    def checked(key: str, value: str) -> str:
        if not value or value.startswith(("https://", "http://")):
            return value
        static = (site_dir / "static").resolve()
        target = (static / value).resolve()
        if value.startswith("/") or not target.is_relative_to(static) or not target.is_file():
            problems.add(Location(CONFIG_FILE, config.key_lines.get(key, 0)),
                         f"{key}: no file '{value}' in static/",
                         "put the file in the site's static/ folder and write its name, "
                         "e.g. 'logo.svg', or an https:// address")
            return ""
        return value

    logo = checked("logo", config.logo)
    local = logo and not logo.startswith(("https://", "http://"))
    return replace(config, logo=logo,
                   logo_size=picture_size(site_dir / "static" / logo) if local else None,
                   favicon=checked("favicon", config.favicon),
                   og_image=checked("og_image", config.og_image))


def _count(reader: FieldReader, key: str, default: int, least: int = 0, hint: str = "") -> int:
    """A whole number of `least` or more (0 is a real choice for recent_issues: list none)."""
    value = reader.integer(key, default)
    if value is None or value < least:
        reader.error(key, f"{key}: expected {least} or more, got {value}", hint)
        return default
    return value


# Characters a URL never holds unencoded; in an attribute or a header they would end it.
_NOT_IN_URLS = re.compile(r'[\x00-\x20"<>\\^`{|}\x7f]')


_BASE_URL_EXAMPLE = "write it as https://example.org/bulletin/"


def _base_url_mistake(url: str) -> tuple[str, str]:
    """Why `url` cannot be `base_url`, and what to write instead; ('', '') when it can."""
    bad = _NOT_IN_URLS.search(url)
    if bad:
        return (f"'{url}' contains {bad.group()!r}, which a URL cannot hold (percent-encode it)",
                _BASE_URL_EXAMPLE)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"'{url}' is not an absolute http(s) URL", _BASE_URL_EXAMPLE
    # Every address of the site is base_url and a path after it: after a query or a fragment,
    # the path would be part of them ('?x=1/feed.xml'), and every page the site's home.
    for mark, what in (("?", "a query"), ("#", "a fragment")):
        if mark in url:
            start = url.index(mark)
            return (f"'{url}' has {what} ('{url[start:]}'): a page's path cannot follow it",
                    f"write it as {_before_query(url)}")
    return "", ""


def _before_query(url: str) -> str:
    """`url` without its query and fragment, ending in '/' as base_url does."""
    return _normalise_base_url(re.split(r"[?#]", url, maxsplit=1)[0])


def mailbox(written: str, name: str = "") -> Address:
    """One address as an editor writes it (`mailbox_mistake` says none is wrong): 'Name
    <user@example.org>', 'user@example.org (Name)', '(Name) user@example.org' or
    'user@example.org'; `name` when it gives none. The name is all before the '<', a comma
    included ('Hélène Marchand, Common Ground <...>'), which a header reads as a second
    address: it is written quoted. A domain beyond ASCII is written in its IDNA form."""
    name_part, spec = _mailbox_parts(written)
    user, _, domain = spec.rpartition("@")
    return Address(name_part or name, user, ascii_host(domain))


def mailbox_mistake(written: str) -> str:
    """Why `written` is not one address `mailbox` reads ('has no email address'); ''."""
    if "\n" in written or "\r" in written:
        return "is on more than one line"
    name, spec = _mailbox_parts(written)
    user, at, domain = spec.rpartition("@")
    if not at or not user or not domain:
        return "has no email address"
    if any(mark in spec for mark in ' <>(),;"') or "@" in user:
        return "is not one email address"
    if "@" in name or "<" in name or ">" in name:
        return "holds more than one address"
    if not user.isascii():
        return "has letters beyond ASCII before its '@', which most mail servers refuse"
    if not ascii_host(domain).isascii():
        return f"names a domain, {domain}, that cannot be written in ASCII here: write its " \
               "IDNA form (xn--...)"
    return ""


def _mailbox_parts(written: str) -> tuple[str, str]:
    """(name, address) of one written address; the name without its quotes or brackets."""
    text = written.strip()
    if "<" in text:
        name, _, rest = text.rpartition("<")
        spec, _, after = rest.partition(">")
        name = name.strip()
        if after.strip():  # 'Name <a@b> more': not one address
            spec += after
    else:
        comment = re.search(r"\(([^()]*)\)", text)
        name = comment.group(1).strip() if comment else ""
        spec = (text[:comment.start()] + text[comment.end():]).strip() if comment else text
    if len(name) > 1 and name[0] == name[-1] == '"':
        name = name[1:-1]
    return name.strip(), spec.strip()


def _unsubscribe_mistake(url: str) -> str:
    """Why `url` cannot be the email's unsubscribe link: a quote would end the attribute, and
    a javascript: or data: URL would be a script in a message said to have none."""
    if '"' in url:
        return "a URL cannot contain '\"'"
    # Unescaped as the browser reads the attribute (&#106;avascript:), then split, which drops
    # the spaces, tabs and newlines a browser ignores too.
    scheme = urlsplit(html.unescape(url)).scheme
    if scheme and scheme.lower() not in ("http", "https", "mailto"):
        return f"'{scheme}:' links are not allowed"
    return ""


def _normalise_base_url(url: str) -> str:
    return url.rstrip("/") + "/" if url else ""
