"""render.py: which pages a site has, pure page rendering, and template errors."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SITEMAP, copy_fixture

from bulletin_gen.model import Site
from bulletin_gen.pipeline import load_site
from bulletin_gen.render import (
    TemplateProblem,
    plan_pages,
    render_page,
    render_pages,
    site_urls,
    template_display,
)
from bulletin_gen.templates import THEME_TEMPLATES, make_environment

MINIMAL_PAGES = [
    "index.html", "archive/index.html", "404.html", "feed.xml", "items.xml", "sitemap.xml",
    "robots.txt",
    "tags/index.html", "regions/index.html", "search/index.html",
    "issues/2026-01-winter/index.html", "issues/2026-01-winter/lead/index.html",
    "issues/2026-01-winter/briefs/index.html",
    "tags/mediation/index.html", "tags/mediation/feed.xml",
    "regions/hungary/index.html", "regions/hungary/feed.xml",
    "regions/peru/index.html", "regions/peru/feed.xml",
    "regions/tajikistan/index.html", "regions/tajikistan/feed.xml",
    "regions/uzbekistan/index.html", "regions/uzbekistan/feed.xml",
    "pages/about/index.html",
]


def site_of(folder: Path, drafts: bool = False) -> Site:
    return load_site(folder, drafts=drafts)[0]


def test_plan_has_every_page_once(make_site: Callable[..., Path]) -> None:
    plans = plan_pages(site_of(make_site()))
    assert [plan.path for plan in plans] == MINIMAL_PAGES


def test_plan_of_the_full_fixture_has_unique_paths_and_matching_urls(tmp_path: Path) -> None:
    plans = plan_pages(site_of(copy_fixture("full", tmp_path), drafts=True))
    paths = [plan.path for plan in plans]
    assert len(paths) == len(set(paths))
    for plan in plans:
        if plan.path.endswith("/index.html"):
            assert plan.path == plan.url + "index.html"


def test_item_plans_carry_previous_and_next(make_site: Callable[..., Path]) -> None:
    plans = {plan.path: plan for plan in plan_pages(site_of(make_site()))}
    lead = plans["issues/2026-01-winter/lead/index.html"].context
    briefs = plans["issues/2026-01-winter/briefs/index.html"].context
    assert lead["previous"] is None and lead["next"].slug == "briefs"
    assert briefs["previous"].slug == "lead" and briefs["next"] is None


def test_site_urls_are_the_html_pages_without_404(make_site: Callable[..., Path]) -> None:
    site = site_of(make_site())
    html = [p.path.removesuffix("index.html") for p in plan_pages(site)
            if p.path.endswith("index.html")]
    assert sorted(site_urls(site)) == sorted(html)


def test_rendering_is_pure_and_order_free(make_site: Callable[..., Path]) -> None:
    site_dir = make_site()
    site = site_of(site_dir)
    env = make_environment(site_dir)
    plans = plan_pages(site)
    forward = list(render_pages(env, site, plans))
    backward = [render_page(make_environment(site_dir), site, p) for p in reversed(plans)]
    assert forward == list(reversed(backward))


@pytest.mark.parametrize(("template", "message"), [
    ("{% extends 'theme/base.html' %}\n{% block main %}\n{{ page.nope }}\n{% endblock %}\n",
     "templates/page.html:3: Page has no field 'nope'; its fields: description, html, "
     "inherited, lang, slug, source, summary, title, untranslated, url"),
    # a misspelt field, filter or test: the name it was likely meant for
    ("{% extends 'theme/base.html' %}\n{% block main %}\n{{ page.tilte }}\n{% endblock %}\n",
     "templates/page.html:3: Page has no field 'tilte'; did you mean title?"),
    # an unclosed block: at its own line, not where Jinja ran out of template
    ("<p>\n{% if page %}\n<b>\n{% for x in [1] %}{% endfor %}\n\n",
     "templates/page.html:2: '{% if %}' is never closed: write its '{% endif %}' (Jinja "
     "noticed at line 5)"),
    ("<p>\n{{ page.title | uppper }}\n",
     "templates/page.html:2: no filter named 'uppper'; did you mean upper?"),
    ("<p>\n{% if page is same_contat(page) %}{% endif %}\n",
     "templates/page.html:2: no test named 'same_contat'; did you mean same_contact?"),
    ("{% extends 'theme/base.html' %}\n{% block main %}\n{% for %}\n{% endblock %}\n",
     "templates/page.html:3: Expected an expression, got 'end of statement block'"),
    ("<p>\n{% include 'partials/nothing.html' %}\n",
     "templates/page.html:2: template 'partials/nothing.html' not found"),
    ("<p>\n\n{{ page.title | date }}\n",
     "templates/page.html:3: TypeError: the date filter needs a date, not str 'About'"),
])
def test_a_template_error_names_the_template_its_line_and_the_page(
        make_site: Callable[..., Path], template: str, message: str) -> None:
    site_dir = make_site({"templates/page.html": template})
    site = site_of(site_dir)
    plan = next(p for p in plan_pages(site) if p.template == "page.html")
    with pytest.raises(TemplateProblem) as caught:
        render_page(make_environment(site_dir), site, plan)
    assert str(caught.value.problem) == f"{message} (while rendering pages/about/index.html)"


def test_an_error_in_an_overridden_partial_names_the_partial(
        make_site: Callable[..., Path]) -> None:
    site_dir = make_site({"templates/partials/contact.html": "<aside>\n{{ contact.phone }}\n"})
    site = site_of(site_dir)
    plan = next(p for p in plan_pages(site) if p.path == "issues/2026-01-winter/index.html")
    with pytest.raises(TemplateProblem) as caught:
        render_page(make_environment(site_dir), site, plan)
    assert str(caught.value.problem) == (
        "templates/partials/contact.html:2: Contact has no field 'phone'; its fields: email, "
        "name, role (while rendering issues/2026-01-winter/index.html)")


def test_errors_outside_templates_are_bugs_and_keep_their_type(
        make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    site_dir = make_site()
    site = site_of(site_dir)
    env = make_environment(site_dir)

    def broken(name: str) -> None:
        raise ValueError("a bug in bulletin-gen")

    monkeypatch.setattr(env, "get_template", broken)
    with pytest.raises(ValueError, match="a bug in bulletin-gen"):
        render_page(env, site, plan_pages(site)[0])


def test_template_display() -> None:
    assert template_display(str(THEME_TEMPLATES / "partials/toc.html")) == "theme/partials/toc.html"
    assert template_display("/home/ana/my-site/templates/page.html") == "templates/page.html"
    assert template_display(None) == "template"


def test_the_sitemap_dates_each_page_by_the_newest_content_it_shows(
        make_site: Callable[..., Path], build_site: Callable[..., Path]) -> None:
    site = make_site({
        "content/issues/2026-02-second/issue.yaml": "title: February\ndate: 2026-02-15\n",
        "content/issues/2026-02-second/01-story.md":
            "---\ntitle: A story\ndate: 2026-02-10\ntags: [mediation]\n---\nText.\n",
    })
    root = ET.parse(build_site(site) / "sitemap.xml").getroot()
    base = "https://example.org/news/"
    lastmod = {url.findtext(f"{SITEMAP}loc", "").removeprefix(base):
               url.findtext(f"{SITEMAP}lastmod") for url in root.iter(f"{SITEMAP}url")}
    assert lastmod[""] == lastmod["archive/"] == lastmod["tags/"] == "2026-02-15"
    assert lastmod["issues/2026-02-second/"] == "2026-02-15"
    assert lastmod["issues/2026-02-second/story/"] == "2026-02-10"
    assert lastmod["issues/2026-01-winter/lead/"] == "2026-01-15"
    assert lastmod["tags/mediation/"] == "2026-02-10"  # its newest entry, the story
    assert lastmod["regions/peru/"] == "2026-01-15"
    assert lastmod["pages/about/"] is None and lastmod["search/"] is None
