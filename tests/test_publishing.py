"""What the published site offers contributors and the web.

Edit, source and error-report links, canonical URLs, a sitemap, social previews, a 404 page.
"""

from __future__ import annotations

import tomllib
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml
from conftest import COMBINED_EPUB, COMBINED_PDF, PROJECT_ROOT
from dialogue_edition.build import Layout
from lxml import etree
from lxml import html as lxml_html

URLS = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["urls"]
CONTENT_PAGES = ("index.html", "people.html", "reports/strategic-conference-2020/first-session.html")


def _page(editions: Layout, name: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((editions.build / "html" / name).read_bytes())


def _pages_with_a_source() -> list[str]:
    """Every page written from a page of docs/ (not the search page, the index or the 404 page)."""
    docs = PROJECT_ROOT / "docs"
    return [path.relative_to(docs).with_suffix(".html").as_posix() for path in sorted(docs.rglob("*.md"))]


MADE_FROM = {
    "people.html": "registry/people.yaml",
    "organisations.html": "registry/organisations.yaml",
    "timeline.html": "registry/events.yaml",
    "agreements.html": "registry/agreements.bib",
}
"""Pages made from a data file: their "view" and "edit" links open it, where an entry is corrected."""


def test_every_page_links_edit_view_source_and_report_an_error(editions: Layout) -> None:
    names = _pages_with_a_source()
    assert set(CONTENT_PAGES) <= set(names)
    for name in names:
        page = _page(editions, name)
        source = MADE_FROM.get(name, "docs/" + name.removesuffix(".html") + ".md")
        assert (PROJECT_ROOT / source).is_file(), name
        (edit,) = page.xpath("//div[@class='edit-this-page']/a/@href")
        (view,) = page.xpath("//div[@class='view-this-page']/a/@href")
        repository = URLS["Repository"]
        assert (edit, view) == (f"{repository}/edit/main/{source}", f"{repository}/blob/main/{source}?plain=true"), name
        (report,) = page.xpath("//p[@class='report-error']/a/@href")
        query = parse_qs(urlsplit(report).query)
        assert report.startswith(URLS["Repository"] + "/issues/new?")
        assert query["body"][0].startswith(f"Page: {URLS['Homepage']}{name}\n")
        assert query["title"][0].startswith("Error on the page “")


def test_a_data_file_outside_the_project_or_with_markup_in_its_name_gets_no_link(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from dialogue_edition.sphinxext.contributing import DATA_SOURCE, note_data_source

    (tmp_path / "docs").mkdir()
    env = SimpleNamespace(srcdir=str(tmp_path / "docs"), docname="people", metadata={"people": {}})
    for hostile in (tmp_path.parent / "elsewhere.yaml", tmp_path / "registry" / "{0.__class__}.yaml", "/etc/passwd"):
        note_data_source(env, hostile)  # type: ignore[arg-type]
        assert DATA_SOURCE not in env.metadata["people"], hostile
    note_data_source(env, tmp_path / "registry" / "people.yaml")  # type: ignore[arg-type]
    assert env.metadata["people"][DATA_SOURCE] == "registry/people.yaml"


def test_canonical_urls_social_previews_and_the_sitemap(editions: Layout) -> None:
    page = _page(editions, "reports/strategic-conference-2020/first-session.html")
    canonical = URLS["Homepage"] + "reports/strategic-conference-2020/first-session.html"
    assert page.xpath("//link[@rel='canonical']/@href") == [canonical]
    assert page.xpath("//meta[@property='og:url']/@content") == [canonical]
    assert page.xpath("//meta[@property='og:title']/@content") == [
        "30 years of diplomatic relations: past and future perspectives"
    ]
    assert page.xpath("//meta[@property='og:description']/@content")[0].startswith("The first session was moderated by")
    sitemap = etree.parse(str(editions.build / "html" / "sitemap.xml"))
    locations = sitemap.xpath("//*[local-name()='loc']/text()")
    assert canonical in locations
    assert len(locations) >= 11


def test_the_404_page_helps_the_reader_on(editions: Layout) -> None:
    page = _page(editions, "404.html")
    prefix = urlsplit(URLS["Homepage"]).path
    assert page.xpath(f"//link[@href='{prefix}_static/styles/furo.css?v=' or starts-with(@href, '{prefix}_static/')]")
    assert page.xpath(f"//a[@href='{prefix}people.html']")
    # In the page itself, not only in the sidebar (folded away on a phone):
    assert page.xpath(f"//article//a[@href='{prefix}index.html'] and //article//a[@href='{prefix}search.html']")
    assert Path(editions.build / "html" / "404.html").exists()


def test_the_addresses_are_written_once() -> None:
    citation = yaml.safe_load((PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["url"] == URLS["Homepage"]
    assert citation["repository-code"] == URLS["Repository"]
    others = [PROJECT_ROOT / "docs" / "conf.py", *sorted((PROJECT_ROOT / ".github" / "workflows").glob("*.yml"))]
    for path in others:
        assert URLS["Repository"] not in path.read_text(encoding="utf-8"), f"{path} repeats the repository address"


def test_read_the_docs_runs_the_same_build_and_copies_files_it_makes(editions: Layout) -> None:
    config = yaml.safe_load((PROJECT_ROOT / ".readthedocs.yaml").read_text(encoding="utf-8"))
    commands = config["build"]["commands"]
    assert "edition-build all" in commands
    copied = [command.split()[-2] for command in commands if command.startswith("cp ")]
    assert copied == ["build/html", f"build/{COMBINED_PDF}", f"build/{COMBINED_EPUB}"]
    for path in copied:
        assert (editions.build / path.removeprefix("build/")).exists(), path


def test_an_epub_page_reports_errors_against_the_web_page(editions: Layout) -> None:
    with zipfile.ZipFile(editions.build / COMBINED_EPUB) as archive:
        page = lxml_html.fromstring(archive.read("people.xhtml"))
    (report,) = page.xpath("//p[@class='report-error']/a/@href")
    assert parse_qs(urlsplit(report).query)["body"][0].startswith(f"Page: {URLS['Homepage']}people.html\n")
