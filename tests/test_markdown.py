"""markdown.py: the Markdown dialect, link rewriting, checklists and sanitising."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bulletin_gen.markdown import (
    ROOT_MARKER,
    MarkdownRenderer,
    as_uri,
    is_external,
    relative_html,
    slugify,
    slugify_any,
    typographic,
)

RENDERER = MarkdownRenderer()


def keep(url: str, kind: str) -> str:
    return url


def html_of(text: str, id_prefix: str = "") -> str:
    return RENDERER.render(text, keep, id_prefix).html


@pytest.mark.parametrize(("text", "expected"), [
    ("| a | b |\n|---|--:|\n| 1 | 2 |\n",
     '<table>\n<thead>\n<tr>\n<th>a</th>\n<th style="text-align:right">b</th>\n</tr>\n</thead>'
     '\n<tbody>\n<tr>\n<td>1</td>\n<td style="text-align:right">2</td>\n</tr>\n</tbody>\n'
     '</table>\n'),
    ("~~old~~ new", "<p><s>old</s> new</p>\n"),
    ('It\'s "quoted" -- (c)...', "<p>It\u2019s \u201cquoted\u201d \u2013 \u00a9\u2026</p>\n"),
    # A link whose text is its address is 'bare': printed, the address is not repeated after it.
    ("See https://example.org/x.",
     '<p>See <a href="https://example.org/x" class="bare">https://example.org/x</a>.</p>\n'),
    ("<https://example.org/x/> or www.example.org or a@b.org",
     '<p><a href="https://example.org/x/" class="bare">https://example.org/x/</a> or '
     '<a href="http://www.example.org" class="bare">www.example.org</a> or '
     '<a href="mailto:a@b.org" class="bare">a@b.org</a></p>\n'),
    ("[the rules](https://example.org/x)",
     '<p><a href="https://example.org/x">the rules</a></p>\n'),
    ("## Héllo wörld", '<h2 id="hello-world">Héllo wörld</h2>\n'),
    ("# Title", "<h2>Title</h2>\n"),  # the page has its own h1
    ("**bold** and *em*", "<p><strong>bold</strong> and <em>em</em></p>\n"),
    # a phrase set apart in a sentence of the other direction, as content.md says
    ('في <bdi>10 July</bdi> و<span dir="ltr">11 July</span>',
     '<p>في <bdi>10 July</bdi> و<span dir="ltr">11 July</span></p>\n'),
])
def test_markdown_dialect(text: str, expected: str) -> None:
    assert html_of(text) == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "<p>“yes” and ‘no’</p>\n"),
    ("de", "<p>„yes“ and ‚no‘</p>\n"),
    ("de-AT", "<p>„yes“ and ‚no‘</p>\n"),  # a region of a language: the language's marks
    ("de-CH", "<p>«yes» and ‹no›</p>\n"),  # unless it has its own
    ("ru", "<p>«yes» and „no“</p>\n"),
    ("ja", "<p>「yes」 and 『no』</p>\n"),
    ("zh-Hant-TW", "<p>「yes」 and 『no』</p>\n"),  # its script's, without its region's
    ("FR", "<p>«&nbsp;yes&nbsp;» and “no”</p>\n"),  # in any case
    ("pt-PT", "<p>«yes» and “no”</p>\n"),
    ("pt-BR", "<p>“yes” and ‘no’</p>\n"),  # Brazil's are English's
    ("fr", "<p>«&nbsp;yes&nbsp;» and “no”</p>\n"),
])
def test_quotation_marks_are_the_languages(language: str, expected: str) -> None:
    renderer = MarkdownRenderer(language=language)
    assert renderer.render("\"yes\" and 'no'", keep).html == expected
    assert renderer.typographic("\"yes\" and 'no'") == expected[3:-5].replace("&nbsp;", "\u00a0")


def test_french_puts_a_no_break_space_before_its_marks_and_inside_guillemets() -> None:
    text = ("Contact : Hélène ! « Qui décide ? » ; voir `a : b` et\n\n"
            "![Carte : la Bolivie](map.png)\n\n    code ; ici\n")
    html = MarkdownRenderer(language="fr").render(text, keep).html
    assert html == ("<p>Contact&nbsp;: Hélène&nbsp;! «&nbsp;Qui décide&nbsp;?&nbsp;»&nbsp;; "
                    "voir <code>a : b</code> et</p>\n"
                    '<p><img src="map.png" alt="Carte&nbsp;: la Bolivie"></p>\n'
                    "<pre><code>code ; ici\n</code></pre>\n")
    assert typographic("Séance : « eau » ?", "fr") == "Séance\u00a0: «\u00a0eau\u00a0»\u00a0?"
    assert typographic("Note : yes ?", "en") == "Note : yes ?"  # other languages as written
    assert html_of("Note : yes ?") == "<p>Note : yes ?</p>\n"


def test_a_line_break_between_chinese_or_japanese_letters_is_no_space() -> None:
    """Chromium and WeasyPrint drew a space for it: "川の 合意". Between words of scripts
    written with spaces (Korean's too), and beside a Latin letter, it stays one. Through a
    link or emphasis; and the lines of what follows are still counted right."""
    text = "三月に結ばれた\n川の合意。\n新しい\nOffice\n开放\n了。\n서울\n시청\n"
    html = MarkdownRenderer(language="en").render(text, keep).html
    assert html == "<p>三月に結ばれた川の合意。新しい\nOffice\n开放了。\n서울\n시청</p>\n"
    text = "結ばれた\n[川の合意](a.md)\n*に*\n基づく\n![図](missing.png)\n"
    rendered = MarkdownRenderer(language="ja").render(text, lambda url, kind: None)
    assert rendered.html.startswith('<p>結ばれた<a href="a.md">川の合意</a><em>に</em>基づく\n')
    assert [(line, url) for line, url, _ in rendered.broken] == [(2, "a.md"), (5, "missing.png")]


def test_footnotes_and_heading_ids_carry_the_prefix() -> None:
    html = html_of("## Part\n\nText[^1].\n\n[^1]: Note.\n", "item")
    assert '<h2 id="item-part">Part</h2>' in html
    assert '<a href="#fn-item-1" id="fnref-item-1">[1]</a>' in html
    assert '<li id="fn-item-1" class="footnote-item"><p>Note. ' \
           '<a href="#fnref-item-1" class="footnote-backref">' in html


def test_checklists_show_a_tick_in_every_edition() -> None:
    html = html_of("- [x] done\n- [ ] to do\n- plain\n")
    assert html == (
        '<ul>\n<li class="check done"><span class="tick" aria-hidden="true">✓</span> done</li>\n'
        '<li class="check"><span class="tick" aria-hidden="true">☐</span> to do</li>\n'
        '<li>plain</li>\n</ul>\n')


@pytest.mark.parametrize(("text", "expected"), [
    ("<script>alert(1)</script>Hi", "Hi"),
    ('<p onclick="x()">Hi</p>', "<p>Hi</p>"),
    ('<a href="javascript:alert(1)">js</a>', "<p><a>js</a></p>\n"),
    ('<iframe src="https://evil.example/"></iframe>', ""),
    ('<img src="x.png" onerror="x()" alt="X">', '<img src="x.png" alt="X">'),
    ('Inline <img src="x.png" onerror="x()" alt="X">', '<p>Inline <img src="x.png" alt="X"></p>\n'),
    ("<style>p{}</style>", ""),
    ("<details><summary>More</summary>Text</details>",
     "<details><summary>More</summary>Text</details>"),
])
def test_raw_html_is_sanitised(text: str, expected: str) -> None:
    assert html_of(text) == expected


def test_unsafe_html_keeps_raw_html_as_written() -> None:
    html = MarkdownRenderer(unsafe_html=True).render('<div onclick="x()">Hi</div>', keep).html
    assert html == '<div onclick="x()">Hi</div>'


def test_links_and_images_go_through_the_resolver_with_their_line() -> None:
    seen: list[tuple[str, str]] = []

    def resolve(url: str, kind: str) -> str | None:
        seen.append((url, kind))
        return None if "missing" in url else ROOT_MARKER + "issues/x/"

    text = ("Intro.\n\nA [found](a.md) and\n[lost](missing.md).\n\n"
            "![pic](missing.png)\n\n[web](https://example.org/) [top](#top) "
            "[mail](mailto:a@example.org)\n")
    rendered = RENDERER.render(text, resolve, first_line=10)
    assert seen == [("a.md", "link"), ("missing.md", "link"), ("missing.png", "image")]
    assert rendered.broken == ((13, "missing.md", "link"), (15, "missing.png", "image"))
    assert '<a href="@root/issues/x/">found</a>' in rendered.html
    assert '<a href="https://example.org/">web</a>' in rendered.html
    assert '<a href="#top">top</a>' in rendered.html


def test_raw_html_links_and_pictures_go_through_the_resolver_as_markdowns_do() -> None:
    """So that they lead where they should from every page that shows the text, and one that
    leads nowhere is an error at its line, not a link broken on some pages only."""
    seen: list[tuple[str, str]] = []

    def resolve(url: str, kind: str) -> str | None:
        seen.append((url, kind))
        return None if "missing" in url else f"{ROOT_MARKER}site/{url}"

    text = ('## Background\n\nSee <a href="a.md" title="A">this</a>, <a href="#background">'
            'above</a> and <a href="https://example.org/">web</a>.\n\n'
            '<figure>\n<img src="pic.png" alt="A picture">\n'
            '<img src="missing.png" alt="Lost">\n</figure>\n\n'
            '<a href="missing.md">lost</a> <a href="x.md&quot; onclick=&quot;y">odd</a>\n')
    rendered = RENDERER.render(text, resolve, "lead", first_line=10)
    assert seen == [("pic.png", "image"), ("missing.png", "image"), ("a.md", "link"),
                    ("missing.md", "link")]  # blocks first, then the paragraphs' inline HTML
    assert sorted(rendered.broken) == [(16, "missing.png", "image"), (19, "missing.md", "link")]
    assert '<a href="@root/site/a.md" title="A">this</a>' in rendered.html
    assert '<a href="#lead-background">above</a>' in rendered.html
    assert '<img src="@root/site/pic.png" alt="A picture">' in rendered.html
    assert '<a href="https://example.org/">web</a>' in rendered.html


def test_a_raw_html_block_links_to_a_heading_below_it_and_is_placed_at_its_own_line() -> None:
    text = ("Intro.\n\n<div>\n<p>The map, missing.png, is below.</p>\n<a href=\"#later\">x</a>\n"
            '<img src="missing.png" alt="Map">\n<a href="a&amp;b.md">y</a>\n</div>\n\n## Later\n')
    rendered = RENDERER.render(text, lambda url, kind: None, "item", first_line=10)
    assert '<a href="#item-later">x</a>' in rendered.html and 'id="item-later"' in rendered.html
    assert rendered.broken == ((15, "missing.png", "image"), (16, "a&b.md", "link"))


def test_relative_html_points_root_urls_at_the_page() -> None:
    html = f'<a href="{ROOT_MARKER}issues/a/">a</a><img src="{ROOT_MARKER}m.png" alt="">'
    assert relative_html(html, "../../") == '<a href="../../issues/a/">a</a>' \
                                            '<img src="../../m.png" alt="">'
    assert relative_html("<p>none</p>", "../") == "<p>none</p>"


def test_render_inline_has_no_paragraph_and_is_sanitised() -> None:
    assert RENDERER.render_inline("*a* <script>x</script>b") == "<em>a</em> b"


@pytest.mark.parametrize(("url", "external"), [
    ("https://example.org/", True), ("mailto:a@b.org", True), ("//cdn.example.org/x", True),
    ("tel:+123", True), ("../a.md", False), ("images/map.png", False), ("#x", False),
])
def test_is_external(url: str, external: bool) -> None:
    assert is_external(url) is external


@pytest.mark.parametrize(("text", "slug"), [
    ("Pécs", "pecs"), ("İzmir", "izmir"), ("São Paulo", "sao-paulo"),
    ("Алматы Town", "алматы-town"), ("  Déjà vu!  ", "deja-vu"),
    ("local_governance", "local_governance"),
    ("___", ""), ("Mesa Común: the first 100 days", "mesa-comun-the-first-100-days"),
])
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


LINKIFY_CASES = [
    "visit example.com or WWW.EXAMPLE.ORG today", "write to ana@example.org", "x http://a.b/c y",
    "hosts 192.168.1.1 and 10.0.0.1", "localhost:8000", "LOCALHOST", "сайт пример.рф",
    "see //cdn.example.com/x", "e.g. this, i.e. that", "**bold**example.com", "mailto:a@b.co",
    "ftp://x.y/z", "plain prose. With sentences: and colons", "[a link](https://example.org) "
    "and then example.net", "Pécs, Hélène and Rosario", "a.b", "version 1.2.3",
]


@pytest.mark.parametrize("text", LINKIFY_CASES)
def test_quick_linkify_finds_the_links_linkify_it_finds(text: str) -> None:
    from linkify_it import LinkifyIt

    quick, plain = MarkdownRenderer(), MarkdownRenderer()
    plain.md.linkify = LinkifyIt()
    assert (quick.render(text, lambda url, kind: url).html
            == plain.render(text, lambda url, kind: url).html)


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_slugs_follow_the_general_rule(text: str) -> None:
    assert slugify(text) == slugify_any(text)


def test_images_without_alt_text_are_listed_with_their_line_as_written() -> None:
    text = "Intro.\n\nA ![](a.png) and\n![ ](b.png) and ![B](c.png).\n"
    rendered = RENDERER.render(text, lambda url, kind: ROOT_MARKER + url, first_line=10)
    assert rendered.unlabelled == ((12, "a.png", "image"), (13, "b.png", "image"))


def test_raw_html_images_without_alt_attribute_are_listed_with_their_line() -> None:
    text = ('Intro <img src="a.png"> and\nlater <IMG SRC="b.png" alt="">.\n\n'
            '<div>\n<p>Text.</p>\n<img src="c.png">\n<img src="d.png" aria-hidden="true">\n'
            '</div>\n\n![](e.png) then\n<img\nsrc="f.png">\n')
    for renderer in (RENDERER, MarkdownRenderer(unsafe_html=True)):
        rendered = renderer.render(text, keep, first_line=10)
        assert rendered.unlabelled == ((10, "a.png", "html"), (15, "c.png", "html"),
                                       (19, "e.png", "image"), (20, "f.png", "html"))


def test_relative_html_points_each_candidate_of_a_srcset_at_the_page() -> None:
    html = (f'<img src="{ROOT_MARKER}a.png" srcset="{ROOT_MARKER}a2.png 2x, {ROOT_MARKER}a.png'
            f' 1x" alt="">')
    assert relative_html(html, "../") == ('<img src="../a.png" srcset="../a2.png 2x, '
                                          '../a.png 1x" alt="">')


@pytest.mark.parametrize(("srcset", "resolved"), [
    ("a.png 2x", "@root/a.png 2x"),
    ("data:image/png;base64,iVBO= 1x, a.png 2x", "data:image/png;base64,iVBO= 1x, @root/a.png 2x"),
    ("a,b.png 2x", "@root/a,b.png 2x"),  # an address runs to a space, commas and all
    ("a.png,b.png", "@root/a.png,b.png"),
    ("a.png, b.png 2x", "@root/a.png, @root/b.png 2x"),
    ("a.png   1x ,\n  b.png 2x,", "@root/a.png 1x, @root/b.png 2x"),
    (" , ", ""),
])
def test_a_srcset_is_read_as_browsers_read_it(srcset: str, resolved: str) -> None:
    renderer = MarkdownRenderer(unsafe_html=True)
    html = renderer.render(f'<img src="a.png" srcset="{srcset}" alt="A">',
                           lambda url, kind: f"{ROOT_MARKER}{url}").html
    assert f'srcset="{resolved}"' in html


def test_a_table_of_many_columns_is_marked_wide() -> None:
    """For paper and the email's column, which cannot scroll it (print.css, email/style.css)."""
    def table(columns: int) -> str:
        return "|" + " h |" * columns + "\n" + "|---" * columns + "|\n" + "|" + " 1 |" * columns
    assert '<table class="wide">' in html_of(table(7))
    assert "<table>" in html_of(table(6))


@pytest.mark.parametrize(("iri", "uri"), [
    ("https://bülten.example/boletín/", "https://xn--blten-kva.example/bolet%C3%ADn/"),
    # IDNA 2003 writes 'faß' as 'fass', another domain: the host is left as written.
    ("https://faß.de/news/ü", "https://faß.de/news/%C3%BC"),
    ("https://example.org/tags/pécs/", "https://example.org/tags/p%C3%A9cs/"),
    ("https://example.org/a%20b/", "https://example.org/a%20b/"),
])
def test_an_address_is_written_in_ascii_for_the_sitemap(iri: str, uri: str) -> None:
    assert as_uri(iri) == uri
