"""Mentions of people and organisations in the real edition: linked, complete, back-referenced."""

from __future__ import annotations

import re
import unicodedata
import zipfile
import zlib
from pathlib import Path

import pytest
from conftest import COMBINED_EPUB, PROJECT_ROOT
from dialogue_edition.build import Layout
from dialogue_edition.checks.mentions import (
    ANCHOR,
    content_pages,
    site_unlinked_first_mentions,
    unlinked_first_mentions,
)
from dialogue_edition.registry import Registry, load_registry
from dialogue_edition.source_report import SourceReport
from dialogue_edition.sphinxext.index_filing import index_letter
from lxml import html as lxml_html
from pypdf import PdfReader


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry(PROJECT_ROOT / "registry")


def test_every_first_mention_on_every_page_is_linked(editions: Layout, registry: Registry) -> None:
    assert site_unlinked_first_mentions(editions.build / "html", registry) == []


def test_an_unlinked_first_mention_is_found(editions: Layout, registry: Registry, tmp_path: Path) -> None:
    page = editions.build / "html" / "reports" / "strategic-conference-2020" / "first-session.html"
    broken = tmp_path / page.name
    html = page.read_text(encoding="utf-8")
    broken.write_text(
        html.replace("The first session was moderated", "The first session (Professor Kurbanov) was moderated"),
        encoding="utf-8",
    )
    assert unlinked_first_mentions(page, registry) == []
    assert unlinked_first_mentions(broken, registry) == [
        "first-session.html: 'Professor Kurbanov' (person kurbanov) appears before its first link"
    ]


def _mentions_on_pages(site: Path) -> set[tuple[str, str, str]]:
    """(page, paragraph anchor, entity) for every mention in the content pages."""
    found = set()
    for page in content_pages(site):
        document = lxml_html.fromstring(page.read_bytes())
        # Editorial boxes are the editors' words: "Mentioned in" leaves them out.
        spans = (
            "//span[@data-kind='person' or @data-kind='organisation'][not(ancestor::*[contains(@class, 'editorial')])]"
        )
        for span in document.xpath(spans):
            figure = span.xpath("ancestor::figure[1]/@id")
            anchor = figure[0] if figure else span.xpath("ancestor::p[1]/span[@id][1]/@id")[0]
            found.add((page.relative_to(site).as_posix(), anchor, span.get("data-entity")))
    return found


def _backrefs(site: Path) -> set[tuple[str, str, str]]:
    """(page, paragraph anchor, entity) for every "Mentioned in" link of the glossaries."""
    found = set()
    for glossary in ("people.html", "organisations.html"):
        document = lxml_html.fromstring((site / glossary).read_bytes())
        for entry in document.xpath("//section[contains(@class, 'glossary-entry')]"):
            entity = ANCHOR.search("#" + entry.get("id")).group(2)
            for href in entry.xpath(
                ".//ul[contains(@class, 'mentioned-in')]//a[contains(@class, 'paragraph-ref')]/@href"
            ):
                page, anchor = href.split("#")
                found.add((page, anchor, entity))
    return found


def test_mentioned_in_lists_exactly_the_paragraphs_that_mention(editions: Layout) -> None:
    site = editions.build / "html"
    mentions = _mentions_on_pages(site)
    assert len(mentions) > 50
    assert _backrefs(site) == mentions


def test_every_registry_entry_has_a_glossary_entry_and_an_inventory_line(editions: Layout, registry: Registry) -> None:
    site = editions.build / "html"
    inventory = (site / "objects.inv").read_bytes()
    lines = zlib.decompress(inventory.split(b"\n", 4)[4]).decode().splitlines()
    people = {line.split()[0] for line in lines if " forum:person " in line}
    organisations = {line.split()[0] for line in lines if " forum:organisation " in line}
    assert people == set(registry.people)
    assert organisations == set(registry.organisations)
    genindex = (site / "genindex.html").read_text(encoding="utf-8")
    assert "Kurbanov, Sergei" in genindex
    assert "Russian International Affairs Council" in genindex


def test_the_people_glossary_is_sorted_by_family_name_under_letters(editions: Layout, registry: Registry) -> None:
    document = lxml_html.fromstring((editions.build / "html" / "people.html").read_bytes())
    ids = [
        entry.get("id").removeprefix("person-")
        for entry in document.xpath("//section[contains(@class, 'glossary-entry')]")
    ]
    assert ids == [person.id for person in sorted(registry.people.values(), key=lambda p: p.sort_key)]
    letters = document.xpath("//section[contains(@class, 'glossary-letter')]/@id")
    assert document.xpath("//p[@class='glossary-jump-bar']/a/@href") == [f"#{letter}" for letter in letters]
    kurbanov = document.xpath("//section[@id='person-kurbanov']")[0]
    assert kurbanov.getparent().get("id") == "letter-k"
    assert kurbanov.xpath(".//a[@href='organisations.html#org-spbu-korean-studies']")


def test_the_pdf_glossaries_give_the_page_of_every_mention(editions: Layout, report_2020: SourceReport) -> None:
    pages = f"reports/{report_2020.slug}/"
    in_the_report = {ref for ref in _backrefs(editions.build / "html") if ref[0].startswith(pages)}
    reader = PdfReader(editions.build / f"{report_2020.slug}.pdf")
    outline = [item for item in reader.outline if not isinstance(item, list)]
    first = reader.get_destination_page_number(next(item for item in outline if item.title == "People"))
    last = reader.get_destination_page_number(next(item for item in outline if item.title == "Historical agreements"))
    text = "".join(reader.pages[number].extract_text() for number in range(first, last))
    assert len(re.findall(r"\(p\.\s?\d+\)", text)) == len(in_the_report)


def test_the_epub_keeps_the_links_but_not_the_cards(editions: Layout, report_2020: SourceReport) -> None:
    with zipfile.ZipFile(editions.build / COMBINED_EPUB) as archive:
        opening = archive.read(f"reports/{report_2020.slug}/opening.xhtml").decode()
    assert 'href="../../people.xhtml#person-lee-kyu-hyung"' in opening
    assert "mention-card" not in opening
    assert "aria-describedby" not in opening


def test_the_general_index_names_each_person_as_the_glossary_heads_them(editions: Layout, registry: Registry) -> None:
    site = editions.build / "html"
    people = lxml_html.fromstring((site / "people.html").read_bytes())
    headings = {
        section.get("id"): section.xpath("./h3")[0].text_content().replace("¶", "").strip()
        for section in people.xpath("//section[contains(@class, 'glossary-entry')]")
    }
    genindex = lxml_html.fromstring((site / "genindex.html").read_bytes())
    entries = {
        link.get("href").split("#")[1]: link.text_content().strip()
        for link in genindex.xpath("//a[starts-with(@href, 'people.html#person-')]")
    }
    assert entries == headings
    # Names the reports write family name first are not inverted ("Chae Wook", not "Chae, Wook").
    family_first = [person for person in registry.people.values() if person.name_order == "family-first"]
    assert family_first
    assert all(entries[f"person-{person.id}"] == person.name for person in family_first if person.given_name)


def test_the_general_index_files_each_event_under_its_first_word_after_an_article(editions: Layout) -> None:
    genindex = lxml_html.fromstring((editions.build / "html" / "genindex.html").read_bytes())
    filed = {}
    for heading in genindex.xpath("//h2"):
        table = heading.getnext()
        for link in table.xpath(".//a[starts-with(@href, 'timeline.html#event-')]") if table is not None else []:
            filed[link.text_content()] = heading.text_content().strip()
    assert len(filed) >= 10
    assert all(letter == index_letter(name) for name, letter in filed.items()), filed


def _filed_key(entry: str, letter: str) -> tuple[str, str]:
    """How an index sorts ``entry`` under ``letter``: by the words after a leading article it is filed by."""
    first, _, rest = entry.partition(" ")
    words = rest if entry[:1].upper() != letter and first.casefold() in ("the", "a") else entry
    decomposed = unicodedata.normalize("NFKD", words)
    letters = "".join(character for character in decomposed if not unicodedata.combining(character))
    return re.sub(r"^[\W_]+", "", letters).casefold(), entry


def test_each_letter_of_the_general_index_is_in_the_order_of_the_words_its_entries_are_filed_under(
    editions: Layout,
) -> None:
    # Sphinx sorts a letter's entries by their whole text: "The ceasefire …", filed under C,
    # came after "Consulate General …".
    genindex = lxml_html.fromstring((editions.build / "html" / "genindex.html").read_bytes())
    checked = 0
    for section in genindex.xpath("//section[contains(@class, 'genindex-section')]"):
        letter = (section.findtext("h2") or "").strip()
        entries = [link.text_content() for link in section.xpath("./table//td/ul/li/a[1]")]
        if not entries:
            continue
        keys = [_filed_key(entry, letter) for entry in entries]
        assert keys == sorted(keys), letter
        checked += len(entries)
    assert checked > 50


@pytest.mark.parametrize(
    ("name", "letter"),
    [
        ("The ceasefire in 1953", "C"),
        ("A significant increase in tourism", "S"),
        ("An Jung-geun in Harbin", "A"),  # "An": a Korean family name, not passed over
        ("A-bomb tests", "A"),
        ("The", "T"),
        ("the communiqué of 1990", "C"),
        ("Russia–Korea Treaty of 1884", "R"),
    ],
)
def test_an_index_letter_passes_over_a_leading_the_or_a(name: str, letter: str) -> None:
    assert index_letter(name) == letter
