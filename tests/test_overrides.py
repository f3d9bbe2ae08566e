"""Mistakes a designer makes overriding the theme (its templates, its colours), said as
`path:line: message (hint)` by `bulletin build`, `check` and `serve`, never as a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner
from conftest import SETTINGS

from bulletin_gen.build import BuildOptions
from bulletin_gen.cli import main
from bulletin_gen.serve import LiveState, _built
from bulletin_gen.templates import THEME_TEMPLATES as THEME


def run(runner: CliRunner, *args: str | Path) -> tuple[int, str]:
    """The exit code and what the command said (stdout and stderr); a bug's traceback is
    raised, not read as output."""
    result = runner.invoke(main, [str(arg) for arg in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout + result.stderr


def served(site: Path) -> list[str]:
    """What `bulletin serve` says in the terminal of a build of `site`."""
    said: list[str] = []
    _built(site, BuildOptions(pdf=False, jobs=1), LiveState(), lambda text, _: said.append(text))
    return said


MISSING = ("templates/partials/masthead.html:2: error: template 'partials/ribbon.html' not "
           "found (while rendering index.html, and 1 other page)")


def test_a_template_that_loads_a_missing_one_is_said_by_build_check_and_serve(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    """The build's fingerprints read every template a page loads: a missing one was a
    TemplateNotFound traceback, which check, rendering, said well."""
    site = make_site()
    assert run(runner, "build", site)[0] == 0
    before = (site / "output/index.html").read_bytes()
    (site / "templates/partials").mkdir(parents=True)
    (site / "templates/partials/masthead.html").write_text(
        '<header>\n{% include "partials/ribbon.html" %}\n</header>\n', encoding="utf-8")
    code, said = run(runner, "build", site)
    assert code == 1
    assert said == MISSING + "\nError: 1 error found.\n"
    assert (site / "output/index.html").read_bytes() == before  # the last good site stays
    code, said = run(runner, "check", site)
    assert code == 1 and MISSING in said.splitlines()
    assert served(site) == [MISSING + "\nError: 1 error found."]


def test_a_template_that_extends_or_includes_itself_is_an_error_at_its_line(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    """The natural first try at extending the theme's base, `{% extends "base.html" %}` in
    templates/base.html, was a RecursionError of 95 lines in build, check and serve."""
    site = make_site({
        "templates/base.html": '{% extends "base.html" %}{% block head %}{{ super() }}'
                               '<meta name=x>{% endblock %}\n',
        "templates/item.html": '{# the item page #}\n{% extends "item.html" %}\n',
        "templates/partials/toc.html": '<b>\n{% include "partials/toc.html" %}\n',
        # a tree of replies: a template may include itself under a condition
        "templates/partials/reply.html": '{% if reply %}{% include "partials/reply.html" %}'
                                         '{% endif %}\n',
        "templates/partials/mine.html": '{% extends "partials/mine.html" %}\n'})
    errors = [
        "templates/base.html:1: error: template 'base.html' extends itself (to extend the "
        'built-in one, write {% extends "theme/base.html" %})',
        "templates/item.html:2: error: template 'item.html' extends itself (to extend the "
        'built-in one, write {% extends "theme/item.html" %})',
        "templates/partials/mine.html:1: error: template 'partials/mine.html' extends itself "
        "(extend another template: this one would extend itself without end)",
        "templates/partials/toc.html:2: error: template 'partials/toc.html' includes itself "
        '(to include the built-in one, write {% include "theme/partials/toc.html" %})']
    code, said = run(runner, "build", site)
    # (and warnings that partials/reply.html and mine.html are used by no other template)
    assert code == 1 and [line for line in said.splitlines() if ": error: " in line] == errors
    assert said.endswith("Error: 4 errors found (and 2 warnings).\n")
    assert not (site / "output").exists()
    code, said = run(runner, "check", site)
    assert code == 1 and [line for line in said.splitlines() if ": error: " in line] == errors
    [terminal] = served(site)
    assert [line for line in terminal.splitlines() if ": error: " in line] == errors


def test_templates_that_extend_each_other_in_a_circle_are_one_error(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    site = make_site({"templates/page.html": '{% extends "layout.html" %}\n',
                      "templates/layout.html": '<p>\n{% extends "page.html" %}\n'})
    said = ("templates/page.html:1: error: templates/page.html and templates/layout.html "
            "extend or include each other in a circle, which never ends: make one of them "
            "extend or include another template, such as the theme's own: theme/page.html "
            "(while rendering pages/about/index.html)")
    assert run(runner, "build", site) == (1, said + "\nError: 1 error found.\n")
    code, checked = run(runner, "check", site)
    assert code == 1 and said in checked.splitlines()


def test_a_macro_that_calls_itself_without_end_is_said_at_its_call(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    """Not as a template that extends itself, at its `extends` line."""
    site = make_site({"templates/page.html":
                      "{% macro down(n) %}\n{{ down(n + 1) }}\n{% endmacro %}\n"
                      '{% extends "theme/page.html" %}\n'
                      "{% block main %}{{ down(1) }}{% endblock %}\n"})
    code, said = run(runner, "build", site)
    assert code == 1
    assert said.splitlines()[0] == (
        "templates/page.html:2: error: a macro or a template calls itself here without end "
        "(make it stop under a condition that comes to be false, while rendering "
        "pages/about/index.html)")


def test_a_block_in_an_extended_partial_is_said_to_have_no_blocks_to_fill(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    """The theme's partials have no blocks: the warning's list of blocks to write was empty."""
    site = make_site({"templates/partials/masthead.html": """\
        {% extends "theme/partials/masthead.html" %}
        {% block ribbon %}<p class="ribbon">Special</p>{% endblock %}
        """})
    code, said = run(runner, "build", site)
    assert code == 0
    assert said.splitlines()[1:] == [
        "templates/partials/masthead.html:2: warning: block 'ribbon' is in no template this "
        "one extends (theme/partials/masthead.html), which has no blocks: it is never shown "
        "(include that template instead, with your own markup around it: "
        '{% include "theme/partials/masthead.html" %}; or copy its text here and change it)']
    # What the warning says to write shows the ribbon, and the theme's masthead under it.
    (site / "templates/partials/masthead.html").write_text(
        '<p class="ribbon">Special</p>\n{% include "theme/partials/masthead.html" %}\n',
        encoding="utf-8")
    code, said = run(runner, "build", site)
    assert code == 0 and "warning" not in said
    page = (site / "output/index.html").read_text(encoding="utf-8")
    assert page.index('class="ribbon"') < page.index('class="masthead"')


def test_text_outside_the_blocks_of_an_extending_template_is_warned_of(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    """Jinja leaves it out of the page without a word. Text before the {% extends %} is
    shown, as are a macro's and a {% set %} block's where they are used."""
    site = make_site({"templates/issue.html": """\
        <!-- shown: before the extends -->
        {% extends "theme/issue.html" %}
        <div>promo</div>
        {% if issue.summary %}
          {{ issue.summary }}
        {% endif %}
        {% macro flag() %}<b>flag</b>{% endmacro %}
        {% set note %}<i>note</i>{% endset %}
        {% block title %}Issue: {{ issue.title }} {{ note }}{% endblock %}

        {{ flag() }}
        """})
    code, said = run(runner, "build", site)
    assert code == 0
    hint = ("(put it inside one of the blocks: description, head, issue_links, main, og_type, "
            "title)")
    assert said.splitlines()[1:] == [
        f"templates/issue.html:{line}: warning: text outside the blocks is never shown: a "
        f"template that extends another (theme/issue.html) shows only its blocks {hint}"
        for line in (3, 11)]
    page = (site / "output/issues/2026-01-winter/index.html").read_text(encoding="utf-8")
    assert "promo" not in page and "flag" not in page and "shown: before" in page


UNUSED = ("templates/{}: warning: no page uses this template: the theme has no template of "
          "this name, and no template includes, imports or extends it ({})")
RULE = "an override takes the name of the theme's template it replaces"


def test_a_template_no_page_uses_is_warned_of_with_the_theme_name_it_may_mean(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    """An override under a name the theme does not have was ignored without a word."""
    site = make_site({
        "templates/partials/header.html": "<header>Mine</header>\n",
        "templates/brief.html": "<p>{{ brief.body }}</p>\n",
        "templates/extra.html": "<p>Nothing like it in the theme</p>\n",
        "templates/Item.html": "<p>{{ item.title }}</p>\n",  # not term.html, which is closer
        # a template of the site's own, used by an override: no warning
        "templates/partials/ribbon.html": "<p>Ribbon</p>\n",
        "templates/partials/masthead.html": '{% include "partials/ribbon.html" %}\n'
                                            '{% include "theme/partials/masthead.html" %}\n',
        "templates/README.md": "Notes on these templates.\n"})
    code, said = run(runner, "build", site)
    assert code == 0
    assert said.splitlines()[1:] == [
        UNUSED.format("Item.html", f"did you mean templates/item.html? {RULE}"),
        UNUSED.format("brief.html", f"did you mean templates/partials/brief.html? {RULE}"),
        UNUSED.format("extra.html", f"{RULE}, in bulletin_gen/theme/templates/; or include "
                                    "this one from another"),
        UNUSED.format("partials/header.html",
                      f"did you mean templates/partials/site_header.html? {RULE}")]
    assert "Ribbon" in (site / "output/index.html").read_text(encoding="utf-8")


def test_a_copy_of_the_theme_in_templates_theme_is_never_read_and_said_so(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    """A designer's reference copy of the theme in templates/theme/ took the place of the
    built-in templates that overrides include as 'theme/...', stale, without a word."""
    site = make_site({
        "templates/theme/partials/masthead.html": "<p>STALE REFERENCE COPY</p>\n",
        "templates/theme/404.html": "<p>Old</p>\n",
        "templates/partials/masthead.html": '<div class="ribbon">Special</div>\n'
                                            '{% include "theme/partials/masthead.html" %}\n'})
    for command in ("build", "check"):
        code, said = run(runner, command, site)
        assert code == 0
        warnings = [line for line in said.splitlines() if ": warning: " in line]
        assert warnings == [
            "templates/theme/: warning: this folder is never read: 'theme/...' names the "
            "built-in theme's templates, which an override includes or extends (to override a "
            "template, put it under its own name in templates/, as "
            "templates/partials/masthead.html; keep a copy of the theme for reference outside "
            "templates/)"], said
    page = (site / "output/index.html").read_text(encoding="utf-8")
    assert "Special" in page and "STALE" not in page and 'class="masthead' in page


def test_a_text_shown_without_local_is_warned_of_once(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    """`{{ item.html }}` showed every item as its HTML source, '<p>The <strong>...', on the
    web and on paper, and neither build nor check said a word."""
    theme = (THEME / "partials/item.html").read_text("utf-8")
    site = make_site({"templates/partials/item.html": theme.replace(
        "{{ item.html | local | demote(level - 1) }}", "{{ item.html }}")})
    warning = ("templates/: warning: a page shows the HTML of a text as text, its tags and all "
               "('<p>...'): a template writes a text's html without the `local` filter (write "
               "{{ item.html | local }}, as the theme does)")
    for command in ("build", "check"):
        code, said = run(runner, command, site)
        assert code == 0 and [line for line in said.splitlines() if ": warning: " in line] == [
            warning], said
    code, said = run(runner, "build", make_site(name="right"))
    assert code == 0 and "warning" not in said


def test_a_template_a_computed_name_may_load_is_not_warned_of(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    site = make_site({"templates/partials/promo_winter.html": "<p>Winter</p>\n",
                      "templates/partials/masthead.html":
                          '{% include "partials/promo_" ~ issue.slug[8:] ~ ".html" '
                          'ignore missing %}\n{% include "theme/partials/masthead.html" %}\n'})
    code, said = run(runner, "build", site)
    assert code == 0 and "warning" not in said
    assert "Winter" in (site / "output/index.html").read_text(encoding="utf-8")


def test_a_byte_order_mark_in_a_template_is_not_in_the_pages(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    """Some editors on Windows begin a UTF-8 file with U+FEFF: it began every page."""
    bom = "\ufeff".encode()
    site = make_site({
        "templates/base.html": bom + b'{% extends "theme/base.html" %}\n'
                                     b'{% block head %}<meta name="x-test">{% endblock %}\n',
        "templates/partials/ribbon.html": bom + b'<p class="ribbon">Ribbon</p>\n',
        "templates/partials/masthead.html": b'{% include "partials/ribbon.html" %}'
                                            b'{% include "theme/partials/masthead.html" %}\n'})
    code, said = run(runner, "build", site)
    assert code == 0 and "warning" not in said
    for page in (site / "output").rglob("*.html"):
        assert "\ufeff" not in page.read_text(encoding="utf-8"), page
    index = (site / "output/index.html").read_text(encoding="utf-8")
    assert index.startswith("<!DOCTYPE html>") and '<p class="ribbon">Ribbon</p>' in index


def test_a_colour_colours_does_not_take_is_said_with_those_it_takes(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    """`colours: {paper: ...}` was an unknown field, without a word of what is known."""
    settings = (SETTINGS + 'pdf: {enabled: false}\n        colours: {paper: "#fffaf0", '
                'accnet: "#2f5d3a"}\n')
    site = make_site({"bulletin.yaml": settings})
    code, said = run(runner, "build", site)
    assert code == 0
    assert said.splitlines()[1:] == [
        "bulletin.yaml:8: warning: unknown field 'colours.paper' (colours: takes accent and "
        "highlight; the theme's other colours, such as --paper and --ink, are CSS custom "
        "properties: set them for the web pages in a <style> in the head block of "
        "templates/base.html, as docs/templates.md shows)",
        "bulletin.yaml:8: warning: unknown field 'colours.accnet' (did you mean accent?)"]
