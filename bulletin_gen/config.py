"""Stage 1: `bulletin.yaml` -> a frozen `SiteConfig`.

The dataclasses below are the schema: every key an editor may write, its default, and what it
means. `load_config` reads the file once, collects every problem, and raises them together.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ContentError, Location, Problem, Problems
from .fields import FieldReader
from .yamlio import YamlError, load_yaml

CONFIG_FILE = "bulletin.yaml"


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
class LinksConfig:
    """`links:` how the build treats a link to a file it does not publish."""

    missing: str = "error"  # 'warning' lets an old archive with dead links publish


@dataclass(frozen=True)
class SiteConfig:
    """Everything `bulletin.yaml` can say, with defaults."""

    title: str
    tagline: str = ""
    base_url: str = ""  # absolute URL of the published site, always ending in '/'
    language: str = "en"
    organisation: Organisation = field(default_factory=Organisation)
    contact: Contact = NO_CONTACT
    nav: tuple[str, ...] = ()  # page slugs linked from the header
    recent_issues: int = 6  # how many earlier issues the home page lists
    per_page: int = 50  # entries on each page of a tag or region; later ones go to page/2/ ...
    unsafe_html: bool = False  # true keeps raw HTML in Markdown as written (no sanitising)
    pdf: PdfConfig = field(default_factory=PdfConfig)
    email: EmailConfig = field(default_factory=EmailConfig)
    search: SearchConfig = field(default_factory=SearchConfig)
    links: LinksConfig = field(default_factory=LinksConfig)
    # The line of each key in bulletin.yaml, so later stages can point at it (nav: ...).
    key_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def base_path(self) -> str:
        """The path part of `base_url` ('/' or '/project/'), for sites under a sub-path."""
        return urlsplit(self.base_url).path or "/" if self.base_url else "/"

    def absolute(self, path: str) -> str:
        """The public URL of a site path such as 'issues/x/'; a full URL stays as it is."""
        if "://" in path:
            return path
        return (self.base_url or "/") + path.lstrip("/")


def read_contact(reader: FieldReader, key: str = "contact") -> Contact:
    """A `{name, role, email}` mapping, or a bare name."""
    if isinstance(reader.data.get(key), str):
        return Contact(name=reader.text(key))
    sub = reader.mapping(key)
    contact = Contact(sub.text("name"), sub.text("role"), sub.text("email"))
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
    if not path.is_file():
        raise ContentError([Problem(Location(str(path)), "no bulletin.yaml here",
                                    "run 'bulletin init DIR' to start a site, or pass its folder")])
    raw = path.read_bytes()
    try:
        data = load_yaml(raw.decode("utf-8-sig"))
    except YamlError as error:
        raise ContentError([Problem(Location(CONFIG_FILE, error.line), str(error))]) from None
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ContentError([Problem(Location(CONFIG_FILE, line), "not valid UTF-8 text",
                                    "save the file with UTF-8 encoding")]) from None
    config = read_config(FieldReader(data, CONFIG_FILE, problems))
    if base_url is not None:
        mistake = _base_url_mistake(base_url)
        if mistake:
            problems.add(Location("--base-url"), mistake, "write it as https://example.org/bulletin/")
        config = replace(config, base_url=_normalise_base_url(base_url))
    if not collect:
        problems.raise_if_any()
    return config, problems


def read_config(reader: FieldReader) -> SiteConfig:
    """Turn the mapping of `bulletin.yaml` into a `SiteConfig`, recording problems."""
    title = reader.text("title", required=True)
    base_url = reader.text("base_url")
    mistake = _base_url_mistake(base_url) if base_url else ""
    if mistake:
        reader.error("base_url", f"base_url: {mistake}", "write it as https://example.org/bulletin/")
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
        from_address=email.text("from"),
        unsubscribe_url=email.text("unsubscribe_url"),
    )
    if email_config.from_address and "@" not in email_config.from_address:
        email.error("from", f"email.from: '{email_config.from_address}' has no email address",
                    "write it as 'Bulletin <news@example.org>'")
    if '"' in email_config.unsubscribe_url:  # it is written into href="..." as it is
        email.error("unsubscribe_url", "email.unsubscribe_url: a URL cannot contain '\"'",
                    "write the link or merge tag of your mailing tool, e.g. '*|UNSUB|*'")
    email.finish()
    search = reader.mapping("search")
    search_config = SearchConfig(search.boolean("enabled", True))
    search.finish()
    links = reader.mapping("links")
    links_config = LinksConfig(links.choice("missing", ("error", "warning"), "error"))
    links.finish()
    config = SiteConfig(
        title=title,
        tagline=reader.text("tagline"),
        base_url=_normalise_base_url(base_url),
        language=reader.text("language", "en"),
        organisation=org,
        contact=read_contact(reader),
        nav=reader.names("nav"),
        recent_issues=_count(reader, "recent_issues", 6),
        per_page=_count(reader, "per_page", 50, least=1,
                        hint="the entries on each page of a tag or region, e.g. 'per_page: 50'"),
        unsafe_html=reader.boolean("unsafe_html", False),
        pdf=pdf_config,
        email=email_config,
        search=search_config,
        links=links_config,
        key_lines=dict(reader.data.lines),
    )
    reader.finish()
    return config


def _count(reader: FieldReader, key: str, default: int, least: int = 0, hint: str = "") -> int:
    """A whole number of `least` or more (0 is a real choice for recent_issues: list none)."""
    value = reader.integer(key, default)
    if value is None or value < least:
        reader.error(key, f"{key}: expected {least} or more, got {value}", hint)
        return default
    return value


def _base_url_mistake(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return ""
    return f"'{url}' is not an absolute http(s) URL"


def _normalise_base_url(url: str) -> str:
    return url.rstrip("/") + "/" if url else ""
