"""Nothing invented, everything marked: the editions say only what the sources support.

Each test guards one fault the edition once had: a report given an author that it does not state
(in the PDF, the EPUB and CITATION.cff), the report's hedge lost on the landing page, a role label
the report does not use, a post shown as if it had ended, a claim about the combined PDF that
was not true, editorial additions (titles, summaries, citation labels, the photo placeholder,
the PDF's figure number) that did not say so, "Mentioned in" counting the editors' words as the
report's, and a person's card showing one report's posts on another report's page.
"""

from __future__ import annotations

import copy
import datetime
import re
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import COMBINED_EPUB, COMBINED_PDF, PROJECT_ROOT
from dialogue_edition.build import Layout
from dialogue_edition.registry import Participation, Person, Position
from dialogue_edition.source_report import SourceReport
from dialogue_edition.sphinxext.mentions.cards import person_lines
from dialogue_edition.sphinxext.missing_photo import PLACEHOLDER
from dialogue_edition.sphinxext.report_metadata import language_name
from lxml import etree
from lxml import html as lxml_html
from pypdf import PdfReader

EDITORS = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["authors"][0]["name"]
DC = {"dc": "http://purl.org/dc/elements/1.1/", "opf": "http://www.idpf.org/2007/opf"}


def _page(layout: Layout, name: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((layout.build / "html" / name).read_bytes())


CITE_CONTROLS = ".//*[contains(concat(' ', @class, ' '), ' cite-control ')]"
"""The ¶ link and Cite button beside each paragraph: furniture of every report page, not its text."""


def _text(element: lxml_html.HtmlElement) -> str:
    element = copy.deepcopy(element)
    for control in element.xpath(CITE_CONTROLS):
        control.drop_tree()
    return " ".join(element.text_content().split())


def _entry(layout: Layout, page: str, anchor: str) -> str:
    return _text(_page(layout, page).xpath(f"//section[@id='{anchor}']")[0])


def _site_text(layout: Layout) -> str:
    return "\n".join(_text(lxml_html.fromstring(page.read_bytes())) for page in (layout.build / "html").rglob("*.html"))


# -- No author the reports do not state ---------------------------------------------------------


def test_no_pdf_names_an_author_the_report_does_not_state(editions: Layout, reports: list[SourceReport]) -> None:
    for report in reports:
        reader = PdfReader(editions.build / f"{report.slug}.pdf")
        assert reader.metadata.author == f"{EDITORS} (editors)"
        title_page = " ".join(reader.pages[0].extract_text().split())
        assert f"organised by the {report.metadata.organiser}" in title_page
        assert "states no author" in title_page
        # The organiser no longer heads the title page, where an author's name stands.
        assert not title_page.startswith(report.metadata.organiser)
    assert PdfReader(editions.build / COMBINED_PDF).metadata.author == f"{EDITORS} (editors)"


def test_no_epub_names_an_author_the_report_does_not_state(editions: Layout, reports: list[SourceReport]) -> None:
    for name in [COMBINED_EPUB, *(f"{report.slug}.epub" for report in reports)]:
        with zipfile.ZipFile(editions.build / name) as archive:
            opf = etree.fromstring(archive.read("content.opf"))
        assert opf.xpath("//dc:creator", namespaces=DC) == [], name
        assert opf.xpath("//dc:contributor/text()", namespaces=DC) == [f"{EDITORS} (editors)"], name


def test_the_citation_file_names_the_editors_and_no_author_for_the_report(reports: list[SourceReport]) -> None:
    citation = yaml.safe_load((PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["authors"] == [{"name": EDITORS}]
    [reference] = citation["references"]
    # CFF requires authors; its form for a work whose authors are not known is "anonymous".
    assert reference["authors"] == [{"name": "anonymous"}]
    report = next(report for report in reports if report.metadata.title == " ".join(reference["title"].split()))
    assert reference["publisher"] == {"name": report.metadata.publisher}
    assert reference["url"] == str(report.metadata.original_url)


def test_the_landing_page_says_no_author_is_stated(editions: Layout, reports: list[SourceReport]) -> None:
    for report in reports:
        fields = _text(
            _page(editions, f"reports/{report.slug}/index.html").xpath("//dl[contains(@class, 'report-metadata')]")[0]
        )
        assert "Author: none stated" in fields


def test_the_landing_page_names_the_report_s_language(editions: Layout, reports: list[SourceReport]) -> None:
    for report in reports:
        fields = _text(
            _page(editions, f"reports/{report.slug}/index.html").xpath("//dl[contains(@class, 'report-metadata')]")[0]
        )
        assert f"Language: {language_name(report.metadata.language)}" in fields
        assert language_name(report.metadata.language) != report.metadata.language


@pytest.mark.parametrize(
    ("tag", "name"), [("en", "English"), ("ko", "Korean"), ("ru", "Russian"), ("en-GB", "English (United Kingdom)")]
)
def test_a_language_is_named_from_its_tag(tag: str, name: str) -> None:
    assert language_name(tag) == name


def test_a_language_tag_babel_does_not_know_is_shown_as_it_is() -> None:
    assert language_name("zz") == "zz"
    assert language_name("xx-YY") == "xx-YY"


# -- The report's words, not stronger or weaker ones -------------------------------------------


def test_the_landing_page_keeps_the_report_s_hedge_and_its_structure(
    editions: Layout, report_2020: SourceReport
) -> None:
    landing = _text(_page(editions, f"reports/{report_2020.slug}/index.html").xpath("//article")[0])
    assert "hopefully in person, in an offline format" in report_2020.text
    assert "hopefully in person, in an offline format" in landing
    assert "five parts that follow" not in landing
    headings = [block for block in report_2020.blocks() if "\n" not in block and not block.endswith(".")]
    headings = [block for block in headings if len(block) < 80 and not block.startswith("Chairman")]
    assert len(headings) == 3
    assert "The report has three headed sections" in landing


def test_role_labels_are_the_report_s_words(editions: Layout, report_2020: SourceReport) -> None:
    assert "The session was opened by" in report_2020.text
    entry = _entry(editions, "people.html", "person-lee-kyu-hyung")
    assert "opened the session" in entry
    assert "opened the conference" not in _site_text(editions)


def test_a_post_given_for_another_time_does_not_say_it_had_ended(editions: Layout, report_2020: SourceReport) -> None:
    assert "President Vladimir Putin in 2012" in report_2020.text
    entry = _entry(editions, "people.html", "person-putin")
    assert "President (in 2012)" in entry
    assert "not at the event" not in _site_text(editions)


def test_the_site_does_not_claim_the_combined_pdf_is_identical_to_it(editions: Layout) -> None:
    home = _text(_page(editions, "index.html").xpath("//article")[0])
    assert "identical in content" not in home
    pdf = " ".join(page.extract_text() for page in PdfReader(editions.build / COMBINED_PDF).pages[:3])
    assert "About this site" not in pdf
    assert "leaves out this page's notes" in home


# -- Editorial additions say so, in all three editions ------------------------------------------


def _landing_prose(layout: Layout, slug: str) -> list[str]:
    """The landing page's paragraphs outside the editorial boxes and the report's metadata."""
    article = _page(layout, f"reports/{slug}/index.html").xpath("//article")[0]
    unmarked = article.xpath(
        ".//p[not(ancestor::*[contains(@class, 'editorial')])][not(ancestor::dl[contains(@class, 'report-metadata')])]"
        "[not(contains(concat(' ', @class, ' '), ' cite-control '))]"
    )
    return [_text(paragraph) for paragraph in unmarked if _text(paragraph)]


def test_every_word_of_a_landing_page_is_marked_as_the_editors(editions: Layout, reports: list[SourceReport]) -> None:
    for report in reports:
        # What is left is the furniture every page has (the link to report an error).
        assert all("Report an error" in text for text in _landing_prose(editions, report.slug)), report.slug
        note = _text(
            _page(editions, f"reports/{report.slug}/index.html").xpath("//*[contains(@class, 'editorial')]")[0]
        )
        assert "This page's title" in note
        assert "editors'" in note


def test_navigation_labels_are_the_page_titles(editions: Layout, report_2020: SourceReport) -> None:
    """The report's pages are listed by their own titles: the report's headings, or titles their notes mark."""
    landing = _page(editions, f"reports/{report_2020.slug}/index.html")
    for link in landing.xpath("//div[contains(@class, 'sidebar-tree')]//a[contains(@href, '.html')]"):
        href = link.get("href").split("#")[0]
        target = editions.build / "html" / "reports" / report_2020.slug / href
        if target.exists() and target.name != "index.html":
            title = _text(lxml_html.fromstring(target.read_bytes()).xpath("//h1")[0]).rstrip("¶# ")
            assert _text(link) == title


def test_citation_labels_are_styled_and_explained(editions: Layout) -> None:
    page = _page(editions, "reports/strategic-conference-2020/first-session.html")
    labels = page.xpath("//span[contains(@class, 'citation-ref')]")
    assert labels
    for label in labels:
        # Explained by its card on the site (hover, focus, tap), by its title where there is no card.
        card = label.xpath(".//span[contains(@class, 'mention-card-kind')]")
        explained = card[0].text_content() if card else label.get("title") or ""
        assert "editorial" in label.get("class")
        assert "ditorial citation" in explained, explained
    css = (editions.build / "html" / "_static" / "edition.css").read_text()
    assert re.search(r"\.citation-ref\.editorial\s*\{[^}]*font-size", css)
    with zipfile.ZipFile(editions.build / "strategic-conference-2020.epub") as archive:
        assert "_static/edition.css" in archive.namelist()
        assert (
            'class="citation-ref editorial"'
            in archive.read("reports/strategic-conference-2020/first-session.xhtml").decode()
        )
    # The PDF, which has no hover, explains them where the report begins.
    pdf = PdfReader(editions.build / "strategic-conference-2020.pdf")
    assert "are the editors' citations" in " ".join(" ".join(page.extract_text().split()) for page in pdf.pages[:4])


def test_the_photo_placeholder_says_it_is_editorial_and_the_pdf_numbers_no_figure(
    editions: Layout, report_2020: SourceReport
) -> None:
    assert PLACEHOLDER.startswith("[Editorial note:")
    page = _page(editions, f"reports/{report_2020.slug}/opening.html")
    assert (
        _text(page.xpath("//figure[contains(@class, 'missing-photo')]//p[contains(@class, 'editorial')]")[0])
        == PLACEHOLDER
    )
    with zipfile.ZipFile(editions.build / f"{report_2020.slug}.epub") as archive:
        assert "Editorial note: the photograph" in archive.read(f"reports/{report_2020.slug}/opening.xhtml").decode()
    text = " ".join(page.extract_text() for page in PdfReader(editions.build / f"{report_2020.slug}.pdf").pages[:8])
    assert "Nikolay Kropachev" in text
    assert not re.search(r"Fig\.\s*1|Figure\s*1", text)


def test_mentioned_in_leaves_out_the_editors_words(editions: Layout, report_2020: SourceReport) -> None:
    # The landing page's summary names JSC Russian Railways; the report's paragraphs do too.
    entry = _page(editions, "organisations.html").xpath("//section[@id='org-russian-railways']")[0]
    hrefs = entry.xpath(".//ul[contains(@class, 'mentioned-in')]//a[contains(@class, 'paragraph-ref')]/@href")
    assert hrefs
    assert not [href for href in hrefs if href.startswith(f"reports/{report_2020.slug}/index.html")]


# -- Sources shown where the fact stands ----------------------------------------------------------


def test_each_added_fact_shows_its_source_in_every_edition(editions: Layout, report_2020: SourceReport) -> None:
    seat = "Editors' verification of the seat of each organisation"
    assert seat in _entry(editions, "organisations.html", "org-spbu")
    assert "Interview with Inna Tsoy" in _entry(editions, "timeline.html", "event-conference-2020")
    assert "Part of: the report of 5 November 2020" in _entry(editions, "organisations.html", "org-spbu-korean-studies")
    with zipfile.ZipFile(editions.build / f"{report_2020.slug}.epub") as archive:
        assert seat in archive.read("organisations.xhtml").decode()
    pdf = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(editions.build / f"{report_2020.slug}.pdf").pages
    )
    assert seat in pdf


# -- Posts and roles belong to a report ----------------------------------------------------------

REPORTS = {
    "forum-2031": {"conference_date": datetime.date(2031, 5, 20).isoformat()},
    "forum-2030": {"conference_date": datetime.date(2030, 4, 1).isoformat()},
    "strategic-conference-2020": {"conference_date": "2020-11-05"},
}
"""Three reports, newest first, as conf.py hands them over (``edition_reports``)."""


def _person(*events: Participation) -> Person:
    return Person(
        id="someone",
        name="Anna Someone",
        family_name="Someone",
        given_name="Anna",
        name_order="given-first",
        sources={"name_order": ["names"]},
        events=list(events),
    )


def test_a_card_gives_what_the_page_s_own_report_says() -> None:
    person = _person(
        Participation(report="strategic-conference-2020", positions=[Position(title="Professor")], roles=["spoke"]),
        Participation(report="forum-2030", positions=[Position(title="Rector")], roles=["opened the session"]),
    )
    assert person_lines(person, "forum-2030", REPORTS) == ["Rector"]
    assert person_lines(person, "strategic-conference-2020", REPORTS) == ["Professor"]


def test_a_card_on_a_report_that_gives_no_post_says_whose_posts_it_shows() -> None:
    person = _person(
        Participation(report="strategic-conference-2020", positions=[Position(title="Professor")], roles=["spoke"]),
    )
    # The 2031 report names the person but has no entry for them: the 2020 post is not passed off as current.
    assert person_lines(person, "forum-2031", REPORTS) == ["In the report of 5 November 2020:", "Professor"]
    # A report that gives roles but no post shows the roles, and a post for another time says when.
    person = _person(
        Participation(report="forum-2031", roles=["moderated the second session"]),
        Participation(
            report="strategic-conference-2020",
            positions=[Position(title="President", context="in 2012")],
            roles=["mentioned in the report"],
        ),
    )
    assert person_lines(person, "forum-2031", REPORTS) == ["moderated the second session"]
    assert person_lines(person, "strategic-conference-2020", REPORTS) == ["President (in 2012)"]


def test_roles_are_free_text_and_never_empty() -> None:
    assert Participation(report="forum-2031", roles=["presented a report"]).roles == ["presented a report"]
    with pytest.raises(ValueError, match="a role is empty"):
        Participation(report="forum-2031", roles=[" "])


def test_family_and_given_names_split_the_name() -> None:
    with pytest.raises(ValueError, match="do not split the name"):
        Person(
            id="x", name="Lee Kyu Hyung", family_name="Hyung", given_name="Lee Kyu", name_order="family-first",
            sources={"name_order": ["names"]}, events=[Participation(report="r", roles=["spoke"])],
        )  # fmt: skip


def test_the_glossary_lists_posts_and_roles_under_their_report(editions: Layout) -> None:
    entry = _page(editions, "people.html").xpath("//section[@id='person-kurbanov']")[0]
    [report] = entry.xpath(".//ul[contains(@class, 'person-reports')]/li")
    assert _text(report).startswith("the report of 5 November 2020: spoke in the first session")
    assert "Head of the Department of Korean Studies at St Petersburg University" in _text(report)


@pytest.mark.parametrize("path", [Path("registry/people.yaml")])
def test_no_person_has_a_post_outside_a_report(path: Path) -> None:
    people = yaml.safe_load((PROJECT_ROOT / path).read_text(encoding="utf-8"))["people"]
    assert [person["id"] for person in people if "positions" in person] == []


def test_a_card_on_a_later_report_s_page_says_whose_posts_it_shows(two_reports: Layout) -> None:
    """The fictional 2031 report names Professor Kurbanov but gives him no post of its own."""
    site = two_reports.build / "html"
    cards = [
        _text(card)
        for page in (site / "reports" / "fictional-workshop-2031").glob("*.html")
        for card in lxml_html.fromstring(page.read_bytes()).xpath(
            "//span[@class='mention-card'][@id='card-person-kurbanov']"
        )
    ]
    assert cards
    assert all("In the report of 5 November 2020:" in card for card in cards)
    real = _page(two_reports, "reports/strategic-conference-2020/first-session.html")
    (card,) = real.xpath("//span[@class='mention-card'][@id='card-person-kurbanov']")
    assert "In the report of" not in _text(card)
    assert "Head of the Department of Korean Studies" in _text(card)
