"""The historical agreements: bibliography, citations, "Cited in", timeline, and bad BibTeX."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT
from dialogue_edition.agreements import load_agreements
from dialogue_edition.build import Layout
from dialogue_edition.errors import InputError
from dialogue_edition.registry import load_registry
from dialogue_edition.source_report import SourceReport
from dialogue_edition.treaty_style import AgreementStyle, known_as
from lxml import html as lxml_html
from pybtex.database import parse_string
from pybtex.richtext import Text
from pypdf import PdfReader

REGISTRY = PROJECT_ROOT / "registry"
BIB = REGISTRY / "agreements.bib"
REPORT_PAGES = "reports/strategic-conference-2020/"


def _page(editions: Layout, name: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((editions.build / "html" / name).read_bytes())


def _citations_in_text(editions: Layout) -> set[tuple[str, str, str]]:
    """(page, paragraph anchor, key) of every citation in the reports' pages."""
    site, found = editions.build / "html", set()
    for page in sorted((site / "reports").rglob("*.html")):
        for span in lxml_html.fromstring(page.read_bytes()).xpath("//span[@data-kind='agreement']"):
            anchor = span.xpath("ancestor::p[1]/span[@id][1]/@id")[0]
            found.add((page.relative_to(site).as_posix(), anchor, span.get("data-entity")))
    return found


def test_the_style_reads_like_an_agreement_with_year_labels() -> None:
    data = parse_string(BIB.read_text(encoding="utf-8"), "bibtex")
    formatted = {entry.key: entry for entry in AgreementStyle().format_entries(data.entries.values())}
    assert [entry.label for entry in formatted.values()] == ["1884", "1953", "1990", "1992"]
    text = formatted["treaty1884"].text.render_as("text")
    # The short title is the name the timeline links by: the entry gives it beside the full one.
    assert text.startswith(
        "Treaty of Friendship and Commerce between Russia and Korea"
        " (treaty), known as the Russia–Korea Treaty of 1884. Signed at Seoul, 7 July 1884"
    )
    assert "Parties: Russian Empire and the Kingdom of Joseon (Korea)." in text
    assert "Signatories: for Russia, Karl Ivanovich Weber." in text


def test_the_name_an_entry_is_linked_by_is_found_in_the_entry(editions: Layout) -> None:
    # The timeline links an agreement by its short title; the reader who follows the link must
    # find that name in the entry, not a different one ("Treaty of Friendship and Commerce ...").
    # The entry's own words: the titles of its sources (a Wikipedia article's, say) do not count.
    entries = {
        entry.get("id"): " ".join(entry.text_content().split()).partition(" Sources: ")[0]
        for entry in _page(editions, "agreements.html").xpath("//div[starts-with(@id, 'agreement-')]")
    }
    links = _page(editions, "timeline.html").xpath("//a[contains(@href, 'agreements.html#agreement-')]")
    assert links
    for link in links:
        name = " ".join(link.text_content().split())
        assert name in entries[link.get("href").partition("#")[2]], name


@pytest.mark.parametrize(
    ("short_title", "read"),
    [("Basic Treaty", "known as the Basic Treaty"), ("The Basic Treaty", "known as The Basic Treaty")],
)
def test_a_short_title_reads_with_one_article(short_title: str, read: str) -> None:
    assert known_as(Text(short_title)).render_as("text") == read


def test_every_citation_is_labelled_by_year_and_links_to_its_entry(editions: Layout) -> None:
    page = _page(editions, REPORT_PAGES + "first-session.html")
    links = page.xpath("//span[@data-kind='agreement']//a")
    assert [link.text_content() for link in links] == ["1884", "1990", "1992", "1992", "1953"]
    assert {link.get("href") for link in links} == {
        f"../../agreements.html#agreement-{key}"
        for key in ("treaty1884", "communique1990", "treaty1992", "armistice1953")
    }
    assert all("editorial" in span.get("class") for span in page.xpath("//span[@data-kind='agreement']"))


def test_cited_in_lists_exactly_the_citing_paragraphs_across_pages(editions: Layout) -> None:
    listed = set()
    for entry in _page(editions, "agreements.html").xpath("//div[starts-with(@id, 'agreement-')]"):
        key = entry.get("id").removeprefix("agreement-")
        for href in entry.xpath(".//ul[contains(@class, 'mentioned-in')]//a[contains(@class, 'paragraph-ref')]/@href"):
            page, anchor = href.split("#")
            listed.add((page, anchor, key))
    citations = _citations_in_text(editions)
    assert {key for _, _, key in citations} == set(load_agreements(BIB))
    assert listed == citations


def test_each_entry_can_be_copied_as_bibtex_and_the_file_downloaded(editions: Layout) -> None:
    page = _page(editions, "agreements.html")
    for entry in page.xpath("//div[starts-with(@id, 'agreement-')]"):
        (block,) = entry.xpath(".//div[contains(@class, 'cite-this')]//pre")
        parsed = parse_string(block.text_content(), "bibtex")
        assert list(parsed.entries) == [entry.get("id").removeprefix("agreement-")]
    (download,) = page.xpath("//a[contains(@class, 'download')]/@href")
    assert (editions.build / "html" / download).read_bytes() == BIB.read_bytes()


def test_the_timeline_is_in_order_and_links_paragraphs_and_agreements(editions: Layout) -> None:
    registry = load_registry(REGISTRY)
    page = _page(editions, "timeline.html")
    entries = page.xpath("//section[contains(@class, 'glossary-entry')]")
    assert [entry.get("id").removeprefix("event-") for entry in entries] == list(registry.events)
    assert [event.sort_key for event in registry.events.values()] == sorted(
        event.sort_key for event in registry.events.values()
    )
    for entry in entries:
        event = registry.events[entry.get("id").removeprefix("event-")]
        assert entry.xpath(".//a[contains(@class, 'paragraph-ref')]"), f"{event.id} links no paragraph"
        agreement_links = entry.xpath(".//a[starts-with(@href, 'agreements.html#agreement-')]/@href")
        assert agreement_links == ([f"agreements.html#agreement-{event.agreement}"] if event.agreement else [])
    olympics = page.xpath("//section[@id='event-olympics-1988']//a[contains(@class, 'paragraph-ref')]/@href")
    assert olympics == [REPORT_PAGES + "first-session.html#p4"]


def test_the_pdf_typesets_the_bibliography_and_the_timeline(editions: Layout, report_2020: SourceReport) -> None:
    reader = PdfReader(editions.build / f"{report_2020.slug}.pdf")
    text = "".join(page.extract_text() for page in reader.pages[-8:])
    assert re.search(r"\[1884\]\s*Treaty of Friendship and Commerce between Russia and Korea", text)
    assert re.search(r"Cited in:.*?\(p\.\s?\d+\)", text, re.DOTALL)
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    # The entries are printed inside their appendix, not gathered into a "Bibliography" at the end.
    assert outline[-3:] == ["Historical agreements", "Timeline", "Index"]


def _words(text: str) -> str:
    """A pattern for ``text`` in a PDF's extracted text, where any space may be a line break."""
    return r"\s+".join(map(re.escape, text.split()))


@pytest.mark.parametrize("project", ["editions", "two_reports"])
def test_each_pdf_prints_every_agreement_once(request: pytest.FixtureRequest, project: str) -> None:
    # The builder writes every report's PDF, then the combined one: each entry once in each
    # (sphinxcontrib-bibtex added an entry's text to its node again for every PDF that held it).
    layout: Layout = request.getfixturevalue(project)
    pdfs = sorted(layout.build.glob("*.pdf"))
    assert len(pdfs) == (2 if project == "editions" else 3)
    for pdf in pdfs:
        text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
        agreements = load_agreements(BIB)
        for key, agreement in agreements.items():
            short = f", known as the {agreement.shorttitle}" if agreement.shorttitle else ""
            entry = _words(f"{agreement.title} ({agreement.kind}){short}. Signed at {agreement.location}")
            assert len(re.findall(entry, text)) == 1, f"{pdf.name}: {key}"
        # And each entry's "Cited in" once: the entry is decorated in this document alone.
        assert text.count("Cited in:") == len(agreements), pdf.name


@pytest.fixture
def bib_copy(tmp_path: Path) -> Path:
    shutil.copytree(REGISTRY, tmp_path / "registry")
    return tmp_path / "registry" / "agreements.bib"


def _line(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.mark.parametrize(
    ("old", "new", "at", "message"),
    [
        (
            "  date        = {1953-07-27},\n",
            "",
            "@agreement{armistice1953",
            "entry 'armistice1953': date (the date of signature): Field required",
        ),
        (
            "date        = {1990-09-30}",
            "date        = {30 September 1990}",
            "30 September 1990",
            "entry 'communique1990': date (the date of signature): Value error, a day is written YYYY-MM-DD",
        ),
        ("  location    = {Seoul},\n", "", "@agreement{treaty1884", "entry 'treaty1884': location: Field required"),
        (
            "@agreement{treaty1992,",
            "@book{treaty1992,",
            "@book{treaty1992",
            "entry 'treaty1992' is @book; agreements are @agreement",
        ),
        (
            "  kind        = {treaty},\n  title ",
            "  kind        = {treaty}\n  title ",
            "  title       = {Treaty of Friendship",
            "BibTeX syntax error",
        ),
    ],
)
def test_bad_bibtex_is_reported_at_its_line(bib_copy: Path, old: str, new: str, at: str, message: str) -> None:
    text = bib_copy.read_text(encoding="utf-8")
    assert old in text
    bib_copy.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as failure:
        load_agreements(bib_copy)
    assert failure.value.line == _line(bib_copy, at)
    assert message in str(failure.value)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "agreement: treaty1884",
            "agreement: treaty1885",
            "unknown agreement (no such key in agreements.bib) 'treaty1885'",
        ),
        (
            "date: 1988\n",
            "date: 1960\n",
            "event 'olympics-1988' comes after 'contacts-1970s-1980s' (1970–1989) but is dated 1960",
        ),
        ("date: 1953-07-27", "date: 1953-02-30", "date: Input should be a valid"),
        ("until: 2009", "until: 2001", "event 'six-party-talks' ends before it starts"),
    ],
)
def test_bad_timeline_data_is_reported_at_its_line(bib_copy: Path, old: str, new: str, message: str) -> None:
    events = bib_copy.parent / "events.yaml"
    text = events.read_text(encoding="utf-8")
    assert old in text
    events.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as failure:
        load_registry(bib_copy.parent)
    assert failure.value.path == events
    assert message in str(failure.value)
    assert failure.value.line == _line(events, new.strip())


def test_every_plugin_a_build_uses_is_registered_once_as_the_installed_one(monkeypatch: pytest.MonkeyPatch) -> None:
    # pybtex_plugins fills pybtex's and sphinxcontrib-bibtex's stores so that no lookup reads the
    # installed packages' entry points again (5 ms each), and imports each plugin from where its
    # entry point names it without reading them at all: with the entry points gone, every plugin a
    # build asks for is still found, and it is the class the installed entry point names.
    import pybtex.plugin
    from dialogue_edition import pybtex_plugins
    from sphinxcontrib.bibtex import plugin as bibtex_plugin

    def installed(group: str, name: str) -> type:
        for search_group in (group, f"{group}.aliases"):
            for entry_point in entry_points(group=search_group, name=name):
                return entry_point.load()
        raise LookupError(f"{group}.{name}")

    expected = {(group, name): installed(group, name) for group, name in pybtex_plugins.INSTALLED_PLUGINS}
    expected |= pybtex_plugins.OWN_PLUGINS
    referencing = pybtex_plugins.REFERENCING_GROUP
    styles = {name: installed(referencing, name) for name in pybtex_plugins.REFERENCING_STYLES}

    def no_lookup(**_: object) -> object:
        raise AssertionError("an entry-point lookup")

    monkeypatch.setattr(pybtex.plugin, "entry_points", no_lookup)
    monkeypatch.setattr(bibtex_plugin, "_entry_points", no_lookup)
    pybtex_plugins.register_referencing_styles()
    pybtex_plugins.register_writer()
    assert {key: pybtex.plugin.find_plugin(*key) for key in expected} == expected
    assert {name: bibtex_plugin.find_plugin(referencing, name) for name in styles} == styles
    parse_string(BIB.read_text(encoding="utf-8"), "bibtex")  # a build's first lookup


def test_the_books_never_load_the_bibtex_writer() -> None:
    # Only the web site writes BibTeX: registering what a build uses leaves the writer unimported.
    code = (
        "import sys; from dialogue_edition import pybtex_plugins as p; p.register_referencing_styles();"
        "assert 'pybtex.database.output.bibtex' not in sys.modules; p.register_writer();"
        "assert 'pybtex.database.output.bibtex' in sys.modules"
    )
    environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT / "tools")}
    subprocess.run([sys.executable, "-c", code], check=True, env=environment)
