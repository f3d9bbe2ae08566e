"""Rendering over processes (-j/--jobs): the same bytes as one process, errors still reported."""

from __future__ import annotations

import pickle

from bulletin_gen.build import BuildOptions, build, load_site
from bulletin_gen.cli import main
from bulletin_gen.render import CHUNK, plan_pages, render_page
from bulletin_gen.templates import make_environment
from tests.conftest import snapshot


def many_items(count: int) -> dict[str, str]:
    """Enough items for several chunks of pages, so that the pool really is used."""
    return {f"content/issues/2026-01-winter/{10 + n:02d}-story-{n}.md":
            f"---\ntitle: Story {n}\ntags: [tag{n % 7}]\nregions: [Region {n % 5}]\n---\n"
            f"Text of story **{n}**.\n" for n in range(count)}


def test_jobs_do_not_change_a_byte(make_site) -> None:
    one = make_site(many_items(3 * CHUNK), name="one")
    two = make_site(many_items(3 * CHUNK), name="two")
    serial = build(one, BuildOptions(jobs=1, clean=True))
    parallel = build(two, BuildOptions(jobs=3, clean=True))
    assert serial.pages > 2 * CHUNK
    assert snapshot(serial.output) == snapshot(parallel.output)


def test_plans_and_artifacts_survive_pickling(make_site) -> None:
    site_dir = make_site()
    site, _ = load_site(site_dir)
    env = make_environment(site_dir)
    for plan in plan_pages(site):
        again = pickle.loads(pickle.dumps(plan))
        assert again.path == plan.path and again.context == plan.context
        artifact = render_page(env, site, plan)
        assert pickle.loads(pickle.dumps(artifact)) == artifact


def test_a_template_error_in_a_worker_names_template_and_page(make_site, runner) -> None:
    site = make_site({**many_items(2 * CHUNK),
                      "templates/item.html": "{% extends 'theme/item.html' %}"
                                             "{% block main %}{{ item.nonsense() }}"
                                             "{% endblock %}"})
    result = runner.invoke(main, ["build", str(site), "--jobs", "2"])
    assert result.exit_code == 1
    assert "item.html" in result.output and "(while rendering issues/2026-01-winter/" in \
        result.output
    assert "Traceback" not in result.output
    assert not (site / "output").exists()


def test_jobs_must_be_positive(make_site, runner) -> None:
    result = runner.invoke(main, ["build", str(make_site()), "-j", "0"])
    assert result.exit_code == 2
    assert "0 is not in the range x>=1" in result.output
