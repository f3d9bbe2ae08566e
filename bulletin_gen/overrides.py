"""What the site's own templates (`templates/`) get wrong about the theme they override, found
by reading them before any page is rendered.

Jinja says nothing of some mistakes (a block no extended template has is never shown) and
never finishes others (a template that extends itself). Each is said here at its line. The
templates are read from their tokens, and the templates they extend from their compiled
form, not parsed again: the incremental layer parses a template only when its text changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath

from jinja2 import Environment, FileSystemLoader, TemplateError
from jinja2.lexer import Token

from .errors import ContentError, Location, Problem, Problems, closest
from .templates import THEME_TEMPLATES

# The tags that load another template by name.
LOADING = frozenset({"extends", "include", "import", "from"})
# Tags with an end tag (`{% set %}` only in its block form, `{% set x %}...{% endset %}`).
PAIRED = frozenset({"block", "for", "if", "macro", "call", "filter", "with", "autoescape",
                    "trans", "set"})
# Those whose inside runs only sometimes, or not where it is written: a template may include
# itself there (a tree of comments, each including the template for its replies).
GUARDS = frozenset({"if", "for", "macro", "call"})
# Those whose inside a template that extends another keeps: any other text it has outside its
# blocks is left out of the page (a macro's and a `{% set x %}`'s are used where called).
KEPT = frozenset({"block", "macro", "call", "set"})
# What a name after a loading tag's constant may be for the name to be the whole argument:
# `{% include "a.html" ignore missing %}`, `{% import "a.html" as m %}`.
AFTER_NAME = frozenset({"ignore", "with", "without", "as", "import"})


@dataclass(frozen=True)
class _Load:
    """A tag that loads a template: its keyword, the name it gives in words (None for a name
    computed at run time), its line, and whether it is inside one of the GUARDS."""

    keyword: str
    name: str | None
    line: int
    guarded: bool


@dataclass
class _Outline:
    """What the checks read of a template: the blocks it opens outside any other (name,
    line), those it shows itself (`{{ self.sidebar() }}`), the templates it loads, and the
    template it extends, when it names one in words ({% extends "base.html" %}), with the
    lines where text outside its blocks (never shown) begins after that."""

    opened: list[tuple[str, int]] = field(default_factory=list)
    called: set[str] = field(default_factory=set)
    loads: list[_Load] = field(default_factory=list)
    parent: str | None = None
    dropped: list[int] = field(default_factory=list)


def check_overrides(env: Environment, site_dir: Path) -> Problems:
    """The errors and warnings of the site's templates that rendering would not say, or not
    say well: a template loading itself, a block no extended template has."""
    found = Problems()
    names = site_templates(site_dir)
    # `theme/...` names the built-in theme's templates (templates.make_environment): a copy of
    # them kept there for reference is never read, as an override or otherwise.
    if any(name.startswith(THEME_PREFIX) for name in names):
        found.warn(Location(f"templates/{THEME_PREFIX}"), "this folder is never read: "
                   "'theme/...' names the built-in theme's templates, which an override "
                   "includes or extends", "to override a template, put it under its own name "
                   "in templates/, as templates/partials/masthead.html; keep a copy of the "
                   "theme for reference outside templates/")
    outlines = {name: _outline(env, name) for name in names if not name.startswith(THEME_PREFIX)}
    found.warnings += _never_used(outlines)
    for name, outline in outlines.items():
        if outline is None:
            continue  # not readable: its own error is said when rendered
        found.errors += _loading_itself(name, outline)
        known = _chain_blocks(env, outline.parent) if outline.parent else None
        if known is not None:  # else not extending, or its parent's error is said when rendered
            found.warnings += _blocks_never_shown(name, outline, known)
            found.warnings += _text_never_shown(name, outline, known)
    return found


THEME_PREFIX = "theme/"


def site_templates(site_dir: Path) -> list[str]:
    """The names of the site's templates, as Jinja knows them ('partials/masthead.html')."""
    folder = site_dir / "templates"
    if not folder.is_dir():
        return []
    return [path.relative_to(folder).as_posix() for path in sorted(folder.rglob("*"))
            if path.is_file()]


def theme_templates() -> list[str]:
    """The names of the theme's templates ('partials/masthead.html')."""
    return [path.relative_to(THEME_TEMPLATES).as_posix()
            for path in sorted(THEME_TEMPLATES.rglob("*")) if path.is_file()]


@cache
def _theme_loads() -> frozenset[str | None]:
    """The names the theme's templates load (None for a name computed at run time): read
    once a process, as the theme does not change."""
    env = Environment(loader=FileSystemLoader(THEME_TEMPLATES))
    outlines = [_outline(env, name) for name in theme_templates()]
    return frozenset(load.name for outline in outlines if outline for load in outline.loads)


def _never_used(outlines: dict[str, _Outline | None]) -> list[Problem]:
    """The site's templates that no page uses: not named as one of the theme's, which an
    override replaces, and loaded by no other template. Most are an override under a name the
    theme does not have (templates/partials/header.html for partials/site_header.html), which
    Jinja never reads. None when a template loads a name computed at run time, or cannot be
    read: it might load any."""
    theme = theme_templates()
    suffixes = {PurePosixPath(each).suffix for each in theme}
    own = [name for name in outlines if name not in theme
           and PurePosixPath(name).suffix in suffixes
           and not PurePosixPath(name).name.startswith(".")]
    if not own:  # overrides of the theme's names only, as most sites have: no theme to parse
        return []
    loaded = set(_theme_loads())
    for name, outline in outlines.items():
        if outline is None:
            return []
        loaded.update(load.name for load in outline.loads if load.name != name)
    if None in loaded:
        return []
    return [Problem(Location(f"templates/{name}"),
                    "no page uses this template: the theme has no template of this name, and "
                    "no template includes, imports or extends it", _rename_hint(name, theme))
            for name in own if name not in loaded]


def _rename_hint(name: str, theme: list[str]) -> str:
    """What an unused template's name may have meant among the theme's: one of the same file
    name in another folder (brief.html for partials/brief.html), else the closest in its
    folder (partials/header.html for partials/site_header.html), else anywhere."""
    path = PurePosixPath(name)
    # Of another case first: 'Item.html' is item.html (which a disk that ignores case, as
    # macOS's, would even use), not the closer 'term.html'.
    same = [each for each in theme if PurePosixPath(each).name == path.name] or [
        each for each in theme if PurePosixPath(each).name.lower() == path.name.lower()]
    meant = (closest(name.lower(), same, cutoff=0) if same else
             _closest_file(path, [each for each in theme
                                  if PurePosixPath(each).parent == path.parent])
             or _closest_file(path, theme))
    rule = "an override takes the name of the theme's template it replaces"
    if meant:
        return f"did you mean templates/{meant}? {rule}"
    return f"{rule}, in bulletin_gen/theme/templates/; or include this one from another"


def _closest_file(path: PurePosixPath, names: list[str]) -> str:
    """The one of `names` whose file name is closest to `path`'s, compared without folder
    and suffix, which would make any two names look alike ('zzz.html' and '404.html')."""
    stems = {PurePosixPath(each).stem: each for each in names
             if PurePosixPath(each).suffix == path.suffix}
    return stems.get(closest(path.stem, stems, cutoff=0.7), "")


def _loading_itself(name: str, outline: _Outline) -> list[Problem]:
    """A template that extends itself, or includes or imports itself where that always runs:
    rendering it would never end (Python's RecursionError, 95 lines of traceback). Its
    commonest cause is an override of a theme template that means the theme's."""
    found = []
    for load in outline.loads:
        if load.name != name or (load.guarded and load.keyword != "extends"):
            continue
        verb = {"extends": "extend", "include": "include"}.get(load.keyword, "import")
        if (THEME_TEMPLATES / name).is_file():
            tag = (f'{{% {load.keyword} "theme/{name}" %}}'
                   if load.keyword in ("extends", "include") else f'"theme/{name}"')
            hint = f"to {verb} the built-in one, write {tag}"
        else:
            hint = f"{verb} another template: this one would {verb} itself without end"
        found.append(Problem(Location(f"templates/{name}", load.line),
                             f"template '{name}' {verb}s itself", hint))
    return found


def _blocks_never_shown(name: str, outline: _Outline, known: set[str]) -> list[Problem]:
    """The blocks of a site template that no template it extends has (`known` their blocks):
    Jinja leaves them out without a word, so an override written there (`{% block content %}`
    where the theme says `main`) would change nothing. One problem each, at the block's line."""
    has = "" if known else ", which has no blocks"
    return [Problem(Location(f"templates/{name}", line),
                    f"block '{block}' is in no template this one extends "
                    f"({outline.parent}){has}: it is never shown",
                    _where_to_write(outline, known, "write it as one of their blocks"))
            for block, line in outline.opened
            if block not in known and block not in outline.called]


def _text_never_shown(name: str, outline: _Outline, known: set[str]) -> list[Problem]:
    """The text a site template that extends another has outside its blocks, after the
    `{% extends %}`: Jinja leaves it out of the page without a word. One problem at the first
    line of each stretch of it."""
    return [Problem(Location(f"templates/{name}", line),
                    f"text outside the blocks is never shown: a template that extends another "
                    f"({outline.parent}) shows only its blocks",
                    _where_to_write(outline, known, "put it inside one of the blocks"))
            for line in outline.dropped]


def _where_to_write(outline: _Outline, known: set[str], advice: str) -> str:
    """The hint of what a template that extends another should write instead: `advice` and
    the blocks of those it extends, `known`; or, when they have none (a partial, most often,
    which is included, not extended), to include it."""
    if known:
        return f"{advice}: {', '.join(sorted(known))}"
    return (f'include that template instead, with your own markup around it: {{% include '
            f'"{outline.parent}" %}}; or copy its text here and change it')


def _outline(env: Environment, name: str) -> _Outline | None:
    """What the checks read of the template `name`, from its tokens; None if unreadable."""
    try:
        source = env.loader.get_source(env, name)[0] if env.loader else ""
        tokens = list(env.lexer.tokenize(source, name))
    except (TemplateError, ContentError):
        return None
    outline = _Outline()
    open_tags: list[str] = []  # the PAIRED tags the current token is inside, outermost first
    extended = stretch = False  # after a {% extends %} of the template; in text never shown
    for index, token in enumerate(tokens):
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        if extended and _shown(token) and KEPT.isdisjoint(open_tags):
            if not stretch:
                outline.dropped.append(_first_line(token))
            stretch = True
        if token.type == "name" and token.value == "self" and after and after.type == "dot":
            following = tokens[index + 2] if index + 2 < len(tokens) else None
            if following and following.type == "name":
                outline.called.add(following.value)
        if token.type != "block_begin" or after is None or after.type != "name":
            continue
        extended = extended or (after.value == "extends" and not open_tags)
        stretch = stretch and after.value != "block"
        _read_tag(outline, open_tags, after, tokens[index + 2:])
    return outline


def _shown(token: Token) -> bool:
    """Whether the token begins what a template outputs: text other than spaces, or a
    `{{ value }}`."""
    return token.type == "variable_begin" or (token.type == "data" and not token.value.isspace())


def _first_line(token: Token) -> int:
    """The line of a token's first character that is not a space."""
    text = str(token.value)
    return token.lineno + text[:len(text) - len(text.lstrip())].count("\n")


def _read_tag(outline: _Outline, open_tags: list[str], tag: Token, rest: list[Token]) -> None:
    """Take in one tag (`tag` its keyword, `rest` the tokens after it), and keep `open_tags`
    as the tags then open."""
    keyword = tag.value
    if keyword == "block" and "block" not in open_tags and rest and rest[0].type == "name":
        outline.opened.append((rest[0].value, tag.lineno))
    if keyword in LOADING:
        loaded = _constant_name(rest)
        outline.loads.append(_Load(keyword, loaded, tag.lineno,
                                   any(open_tag in GUARDS for open_tag in open_tags)))
        if keyword == "extends" and loaded is not None and outline.parent is None:
            outline.parent = loaded
    if keyword in PAIRED and (keyword != "set" or _set_block(rest)):
        open_tags.append(keyword)
    elif keyword.startswith("end") and keyword[3:] in PAIRED and open_tags:
        open_tags.pop()


def _constant_name(rest: list[Token]) -> str | None:
    """The template a loading tag names in words (`"partials/toc.html"`), or None when the
    name is computed at run time (a variable, a list, a concatenation)."""
    if len(rest) < 2 or rest[0].type != "string":
        return None
    after = rest[1]
    if after.type == "block_end" or (after.type == "name" and after.value in AFTER_NAME):
        return str(rest[0].value)
    return None


def _set_block(rest: list[Token]) -> bool:
    """Whether a `{% set %}` is the block form (`{% set x %}...{% endset %}`): no `=`."""
    for token in rest:
        if token.type == "block_end":
            return True
        if token.type == "assign":
            return False
    return True


def _chain_blocks(env: Environment, name: str, depth: int = 0) -> set[str] | None:
    """Every block of the template `name` and of those it extends; None if one is unreadable."""
    try:
        blocks = set(env.get_template(name).blocks)
    except (TemplateError, ContentError):
        return None
    outline = _outline(env, name)
    parent = outline.parent if outline else None
    if parent is None or parent == name or depth > 20:  # a circle is said by its own error
        return blocks
    above = _chain_blocks(env, parent, depth + 1)
    return None if above is None else blocks | above
