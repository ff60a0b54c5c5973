"""Search: the right result first, at its own anchor, with filters that work, over HTTP and from disk.

The built site is served over HTTP on a free port of 127.0.0.1 (the server stops with the test
module) and searched in Chromium through the search page itself, as a reader would: the query and
filters in the address, the form, the keyboard. One browser serves the whole module.
"""

from __future__ import annotations

import copy
import errno
import fcntl
import filecmp
import functools
import hashlib
import json
import os
import re
import shutil
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import dialogue_edition.search as search_module
import dialogue_edition.search_parts as search_parts
import dialogue_edition.search_scratch as search_scratch
import pytest
from conftest import FICTIONAL_METADATA, PROJECT_ROOT, page_saying, require_tool
from dialogue_edition.build import Layout
from dialogue_edition.checks import validators
from dialogue_edition.checks.rendered_text import element_text
from dialogue_edition.checks.search_weight import downloads_for_query
from dialogue_edition.pagefind_service import PagefindService, PagefindServiceError
from dialogue_edition.registry import Registry, load_registry
from dialogue_edition.search import BUNDLE, Record, SearchIndexFailed, index_site, records, site_pages
from dialogue_edition.sphinxext.search_index import prune
from lxml import html as lxml_html

REGISTRY = PROJECT_ROOT / "registry"
BUDGET_KB = 150.0

# A literal query set: what a reader types, and the result that must come first (page#anchor).
QUERIES = [
    ("Kurbanov", "people.html#person-kurbanov"),
    ("Sergei Kurbanov", "people.html#person-kurbanov"),
    ("Kurbanov Sergei", "people.html#person-kurbanov"),
    ("Professor Kurbanov", "people.html#person-kurbanov"),
    ("Roh Tae-woo", "people.html#person-roh-tae-woo"),
    ("Tae-woo Roh", "people.html#person-roh-tae-woo"),
    ("Lee Sang Don", "people.html#person-lee-sang-don"),
    ("Sang Don Lee", "people.html#person-lee-sang-don"),
    ("Boris Yeltsin", "people.html#person-yeltsin"),
    ("Yeltsin Boris", "people.html#person-yeltsin"),
    ("Gleb Ivashentsov", "people.html#person-ivashentsov"),
    ("Ivashentsov", "people.html#person-ivashentsov"),
    ("Moon Jae-In", "people.html#person-moon-jae-in"),
    ("RIAC", "organisations.html#org-riac"),
    ("Russian International Affairs Council", "organisations.html#org-riac"),
    ("St Petersburg University", "organisations.html#org-spbu"),
    ("Yonsei University", "organisations.html#org-yonsei-university"),
    ("Korea National Diplomatic Academy", "organisations.html#org-knda"),
    ("Lotte Corporation", "organisations.html#org-lotte"),
    ("Panmunjom", "agreements.html#agreement-armistice1953"),
    ("1953", "agreements.html#agreement-armistice1953"),
    ("1992", "agreements.html#agreement-treaty1992"),
    ("1884", "agreements.html#agreement-treaty1884"),
    ("1990", "agreements.html#agreement-communique1990"),
    ("Seoul", None),  # two agreements were signed there: either comes first (checked below)
    ("Korean Armistice Agreement", "agreements.html#agreement-armistice1953"),
    ("Six-Party Talks", "timeline.html#event-six-party-talks"),
    ("Olympic Games", "timeline.html#event-olympics-1988"),
    (
        "legal basis for the partnership between Pyongyang and Seoul",
        "reports/strategic-conference-2020/first-session.html#p6",
    ),
    ("hopefully in person, in an offline format", "reports/strategic-conference-2020/close.html#p2"),
    (
        "Economic cooperation: energy, transport, finance, tourism",
        "reports/strategic-conference-2020/second-session.html#economic-cooperation-energy-transport-finance-tourism",
    ),
    ("Kurbanof", "people.html#person-kurbanov"),  # misspelt
    ("Ivashentzov", "people.html#person-ivashentsov"),  # misspelt
    ("Yeltsine", "people.html#person-yeltsin"),  # misspelt
]


# -- The browser and the served sites ---------------------------------------------------------


@pytest.fixture(scope="module")
def indexed(editions: Layout) -> list[Record]:
    """Every record of the one-report site's search index, read once for the module."""
    return records(editions.build / "html")[1]


@pytest.fixture(scope="module")
def site(editions: Layout) -> Iterator[str]:
    """The one-report site, served over HTTP on 127.0.0.1 at a free port."""
    with validators.served(editions.build / "html") as origin:
        yield origin


class Reader:
    """A reader on the search page: queries, filters, the results as links."""

    def __init__(self, browser: object, origin: str, scheme: str = "light") -> None:
        self.origin = origin
        self.context = browser.new_context(color_scheme=scheme)
        self.outside: list[str] = []
        self.context.route("**/*", functools.partial(validators._only_the_site, origin, self.outside))
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def open(self, **params: str) -> list[dict[str, str]]:
        """Open ``search.html`` with the query and filters in its address; every result."""
        self.page.goto(f"{self.origin}search.html?{urlencode(params)}")
        self.page.wait_for_selector("body[data-search-ready]")
        validators.wait_until(self.page, "document.body.dataset.searchDone === document.body.dataset.searchStarted")
        return self.results()

    def search(self, query: str = "", **filters: str) -> list[dict[str, str]]:
        """Search through the form, on the open page; every result."""
        self.page.evaluate("delete document.body.dataset.searchDone")
        for name in ("kind", "report", "person", "organisation", "year"):
            self.page.select_option(f"#edition-search-{name}", filters.get(name, ""))
        self.page.fill("#edition-search-q", query)
        self.page.evaluate("delete document.body.dataset.searchDone")
        self.page.press("#edition-search-q", "Enter")
        # The newest search is shown (one a filter's change started earlier may finish later).
        validators.wait_until(self.page, "document.body.dataset.searchDone === document.body.dataset.searchStarted")
        return self.results()

    def results(self) -> list[dict[str, str]]:
        """Every result shown (asking for more until there are no more)."""
        while self.page.is_visible("#edition-search-more"):
            shown = int(self.page.evaluate("document.body.dataset.searchShown"))
            self.page.click("#edition-search-more")
            validators.wait_until(self.page, f"Number(document.body.dataset.searchShown) > {shown}")
        return self.page.evaluate(
            """() => [...document.querySelectorAll('.edition-search-hit')].map(hit => ({
                href: hit.querySelector('a').href, title: hit.querySelector('a').textContent,
                about: hit.querySelector('.edition-search-hit-about').textContent,
                excerpt: hit.querySelector('.edition-search-hit-excerpt').textContent,
                marked: [...hit.querySelectorAll('mark')].map(mark => mark.textContent),
                fields: [...hit.querySelectorAll('.edition-search-hit-label')].map(label => label.textContent)}))"""
        )

    def status(self) -> str:
        """What the page says of the search shown ("3 results for …")."""
        return str(self.page.inner_text("#edition-search-status"))

    def relative(self, hits: list[dict[str, str]]) -> list[str]:
        """The results' links, relative to the site."""
        return [hit["href"].removeprefix(self.origin) for hit in hits]


@pytest.fixture(scope="module")
def reader(browser: object, site: str) -> Iterator[Reader]:
    reader = Reader(browser, site)
    reader.open()
    yield reader
    assert reader.outside == [], "a request left the site"
    assert reader.errors == []
    reader.context.close()


@functools.cache
def _page_ids(path: Path) -> frozenset[str]:
    tree = lxml_html.parse(str(path)).getroot()
    return frozenset(element.get("id") for element in tree.iter() if isinstance(element.tag, str) and element.get("id"))


def unresolved(site: Path, links: list[str]) -> list[str]:
    """The links (``page#anchor``, relative to the site) whose page or element does not exist."""
    missing = []
    for link in links:
        page, _, anchor = link.partition("#")
        path = site / urlsplit(page).path
        if not path.is_file() or not anchor or anchor not in _page_ids(path):
            missing.append(link)
    return missing


def mentioned_in(site: Path, anchor: str, glossary: str) -> set[str]:
    """The paragraphs a glossary entry's "Mentioned in" lists (page#anchor, relative to the site)."""
    tree = lxml_html.parse(str(site / glossary)).getroot()
    entry = tree.get_element_by_id(anchor)
    return {
        link.get("href")
        for link in entry.xpath(".//*[contains(@class, 'mentioned-in')]//a[contains(@class, 'paragraph-ref')]")
    }


# -- Results at the right place ------------------------------------------------------------------


def test_the_query_set_finds_the_expected_first_result(reader: Reader, editions: Layout) -> None:
    assert len(QUERIES) >= 25
    wrong, links = [], []
    for query, expected in QUERIES:
        found = reader.relative(reader.search(query))
        links += found
        first = found[0] if found else None
        if expected is None:
            if first not in ("agreements.html#agreement-treaty1884", "agreements.html#agreement-treaty1992"):
                wrong.append((query, first))
        elif first != expected:
            wrong.append((query, first, expected))
    assert wrong == []
    assert unresolved(editions.build / "html", links) == []


def _name_orders(person: object) -> list[str]:
    """A person's name as written, and in the other order (family name first, or last)."""
    names = [person.name]
    if person.given_name:
        given_first = f"{person.given_name} {person.family_name}"
        family_first = f"{person.family_name} {person.given_name}"
        names.append(family_first if person.name == given_first else given_first)
    return names


def test_every_name_of_the_registry_finds_its_entry_first(reader: Reader, editions: Layout) -> None:
    registry: Registry = load_registry(REGISTRY)
    expected = {
        name: f"people.html#person-{person.id}" for person in registry.people.values() for name in _name_orders(person)
    }
    for organisation in registry.organisations.values():
        expected[organisation.name] = f"organisations.html#org-{organisation.id}"
        if organisation.short_name:
            expected[organisation.short_name] = f"organisations.html#org-{organisation.id}"
    wrong, links = [], []
    for query, anchor in expected.items():
        found = reader.relative(reader.search(query))
        links += found
        if not found or found[0] != anchor:
            wrong.append((query, found[:2]))
    assert wrong == []
    assert unresolved(editions.build / "html", links) == []


def _bare(word: str) -> str:
    """A word with case, accents and punctuation set aside."""
    return re.sub(r"[\W_]", "", unicodedata.normalize("NFKD", word)).lower()


def _words_of(text: str) -> set[str]:
    """The words of a text, and the parts of its hyphenated words ("inter-Korean": "korean")."""
    return {_bare(word) for word in text.split()} | {_bare(part) for part in re.findall(r"[^\W_]+", text)}


def _holds(words: set[str], query_word: str) -> bool:
    """Whether a word of ``words`` is the query word, or another ending of it (stemming)."""
    stem = _bare(query_word)[:4]
    return any(word.startswith(stem) for word in words)


def test_every_hit_holds_the_query_in_its_own_words_not_only_in_its_titles(
    reader: Reader, indexed: list[Record]
) -> None:
    # Pagefind also matches the words of what is shown with a hit (its title, its report's
    # title): a paragraph would be "found" by the words of its page's title. Every word of the
    # site's titles is a query here; each hit must hold the word in its own text and mark it.
    # The searches run one after another on one page, so a hit shown again with the previous
    # search's excerpt fails too.
    text_of_hit = {record.url: _words_of(" ".join(text for text, _ in record.parts)) for record in indexed}
    shown = " ".join(f"{record.title} {record.context}" for record in indexed)
    titles = sorted(set(re.findall(r"[^\W\d_]{4,}", shown)))
    queries = titles[:: max(1, len(titles) // 40)]
    pairs = [" ".join(pair) for pair in zip(queries[::2], queries[1::2], strict=False)][:10]
    wrong = []
    for query in queries + pairs:
        for hit in reader.search(query):
            url = reader.relative([hit])[0]
            marked = _words_of(" ".join(hit["marked"]))
            for word in query.split():
                if not _holds(text_of_hit[url], word) or (" " not in query and not _holds(marked, word)):
                    wrong.append((query, url, hit["marked"]))
    assert len(queries) >= 30
    assert wrong == []


def test_a_word_the_site_does_not_hold_finds_nothing_not_a_shorter_word(reader: Reader, indexed: list[Record]) -> None:
    # Pagefind answers a word it has not indexed with the longest indexed word the query starts
    # with ("as" for "Astafyev"): 85 paragraphs marked "as". Words made of a short word of the
    # site and letters no word has must find nothing, and say so plainly.
    words = [_bare(word) for record in indexed for text, _ in record.parts for word in text.split()]
    short = Counter(word for word in words if 2 <= len(word) <= 3)
    made_up = [f"{word}xqzvj" for word, _ in short.most_common(12) if word.isalpha()]
    assert len(made_up) >= 8
    for query in made_up:
        assert reader.search(query) == [], query
        assert reader.status() == f"0 results for “{query}”.", query


def test_a_misspelt_family_name_finds_its_person_first_and_says_what_it_searched(
    reader: Reader, editions: Layout
) -> None:
    # Two letters of each longer family name swapped: "did you mean" finds the name.
    registry: Registry = load_registry(REGISTRY)
    wrong = []
    for person in registry.people.values():
        family = person.family_name or ""
        if len(family) < 7 or not family.isalpha():
            continue
        misspelt = family[:3] + family[4] + family[3] + family[5:]
        if misspelt == family:
            continue
        found = reader.relative(reader.search(misspelt))
        status = reader.status()
        if not found or found[0] != f"people.html#person-{person.id}" or f"nothing matches “{misspelt}”" not in status:
            wrong.append((misspelt, found[:2], status))
    assert wrong == []


IN_CYRILLIC = [
    *[("shch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"), ("yu", "ю"), ("ya", "я")],
    *zip("abvgdeziyklmnoprstuf", "абвгдезийклмнопрстуф", strict=True),
]
"""The search page's transliteration of Russian, reversed: Latin letters (longest first) to Cyrillic."""


def _in_cyrillic(name: str) -> str | None:
    """``name`` in Cyrillic, as the search page reads it back; None if a letter has no Cyrillic one."""
    rest, written = name.lower(), ""
    while rest:
        latin, cyrillic = next(
            ((latin, cyrillic) for latin, cyrillic in IN_CYRILLIC if rest.startswith(latin)), ("", "")
        )
        if not latin:
            return None
        written, rest = written + cyrillic, rest[len(latin) :]
    return written.capitalize()


def test_a_family_name_typed_in_cyrillic_finds_its_person_first(reader: Reader) -> None:
    registry: Registry = load_registry(REGISTRY)
    typed = [(person, _in_cyrillic(person.family_name or "")) for person in registry.people.values()]
    typed = [(person, name) for person, name in typed if name and len(name) >= 5]
    assert len(typed) >= 5
    wrong = []
    for person, name in typed:
        found = reader.relative(reader.search(name))
        status = reader.status()
        if not found or found[0] != f"people.html#person-{person.id}" or f"nothing matches “{name}”" not in status:
            wrong.append((name, found[:2], status))
    assert wrong == []


def test_a_query_in_another_script_that_finds_nothing_says_how_names_are_spelt(reader: Reader) -> None:
    for query in ("이규형", "Щщщщщщ", "東京"):
        assert reader.search(query) == [], query
        assert reader.status().endswith("The reports are in English: names are spelt in Latin letters."), query
    reader.search("xqzvjxqzvj")
    assert reader.status() == "0 results for “xqzvjxqzvj”."


def test_results_are_units_without_repeats_cards_bibtex_or_navigation(reader: Reader) -> None:
    for query in ("Kurbanov", "1992", "Treaty", "Russia"):
        hits = reader.search(query)
        hrefs = [hit["href"] for hit in hits]
        assert len(hrefs) == len(set(hrefs)), query
        for hit in hits:
            text = hit["excerpt"]
            assert "@agreement" not in text, (query, text)  # BibTeX
            assert "shorttitle" not in text, (query, text)
            assert not re.search(r"(Person|Organisation|Event)[A-Z]", text), (query, text)  # card text
            assert "Mentioned in" not in text, (query, text)
            assert "Cited in" not in text, (query, text)


def _paragraph_words(site: Path, link: str) -> list[str]:
    """The words of the paragraph a result links to, as the index holds them.

    Without the mentions' cards, the Cite controls and the editors' citation labels ("[1884]").
    """
    page, _, anchor = link.partition("#")
    tree = lxml_html.parse(str(site / urlsplit(page).path)).getroot()
    block = tree.get_element_by_id(anchor)
    while block.tag == "span":  # the anchor's target, at the start of its paragraph
        block = block.getparent()
    aside = "contains(@class, 'mention-card') or contains(@class, 'cite-control') or contains(@class, 'citation-ref')"
    for element in block.xpath(f".//*[{aside}]"):
        element.drop_tree()
    # A label left a space before the punctuation after it ("1884 ;"), which the index has not.
    return re.sub(r"\s+([;,.:)])", r"\1", block.text_content()).split()


def test_an_excerpt_cut_inside_its_paragraph_says_so(reader: Reader, editions: Layout) -> None:
    site, checked = editions.build / "html", 0
    for query in ("Korea", "railways", "cooperation", "Kurbanov", "session"):
        for hit in reader.search(query):
            link = hit["href"].removeprefix(reader.origin)
            if not re.search(r"^reports/.*#p\d+$", link):
                continue
            shown = hit["excerpt"].split()
            starts, ends = shown[:1] == ["…"], shown[-1:] == ["…"]
            core = shown[int(starts) : len(shown) - int(ends)]
            words = _paragraph_words(site, link)
            at = next((n for n in range(len(words)) if words[n : n + len(core)] == core), None)
            assert at is not None, (query, link, hit["excerpt"])
            assert (starts, ends) == (at > 0, at + len(core) < len(words)), (query, link, hit["excerpt"])
            checked += 1
    assert checked > 20


def test_an_entrys_result_names_each_of_its_fields_by_its_label(reader: Reader, indexed: list[Record]) -> None:
    # Pagefind's excerpt of an entry runs its values together ("Russia. JSC Russian Railways.
    # Aleksei Astafev."): the result shows each field as the glossary does, "Label: value".
    entries = {record.url: record for record in indexed if record.fields}
    kinds = {record.kind for record in entries.values()}
    assert kinds >= {"Person", "Organisation", "Event"}, kinds
    shown = 0
    for query in ("Russia", "railways", "Kropachev", "1992", "Korea"):
        for hit in reader.search(query):
            record = entries.get(reader.relative([hit])[0])
            if record is None:
                assert hit["fields"] == [], (query, hit["href"])
                continue
            assert hit["fields"] == [f"{label}:" for label, _ in record.fields], (query, hit["href"])
            text = hit["excerpt"]
            for label, _ in record.fields:
                assert re.search(rf"{re.escape(label)}: [^\s·]", text), (query, label, text)
                text = text.replace(f"{label}:", " ")
            values = _words_of(" ".join(value for _, value in record.fields))
            assert _words_of(text.replace("·", " ").replace("…", " ")) <= values, (query, hit["excerpt"])
            assert _holds(_words_of(" ".join(hit["marked"])), query), (query, hit["href"], hit["marked"])
            shown += 1
    assert shown >= 10


def test_an_entry_is_found_by_its_values_never_by_a_fields_label(reader: Reader, indexed: list[Record]) -> None:
    # The labels are shown, not searched: "Country" finds no organisation that does not say it.
    words_of = {record.url: _words_of(" ".join(text for text, _ in record.parts)) for record in indexed}
    labels = sorted({word for record in indexed for label, _ in record.fields for word in label.split()})
    labels = [word for word in labels if len(word) > 3]
    assert {"Country", "Part", "People", "written"} <= set(labels), labels
    for word in labels:
        for hit in reader.search(word):
            url = reader.relative([hit])[0]
            assert _holds(words_of[url], word), (word, url)


def test_a_highlight_marks_the_word_not_the_punctuation_around_it(reader: Reader) -> None:
    queries = ("Kropachev", "railways", "1990", "Korea")
    marked = [mark for query in queries for hit in reader.search(query) for mark in hit["marked"]]
    assert len(marked) > 20
    assert all(re.fullmatch(r"[\w].*[\w]|\w", mark) for mark in marked), sorted(set(marked))


@pytest.mark.parametrize("width", [390, 440])  # at 440 px one label of a row takes two lines, the other one
def test_on_a_phone_the_filters_take_three_rows_and_stand_level(browser: object, site: str, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 664})
    page.goto(f"{site}search.html?q=railways")
    page.wait_for_selector("body[data-search-ready]")
    validators.wait_until(page, "document.body.dataset.searchDone === document.body.dataset.searchStarted")
    rows = page.evaluate(
        """() => [...document.querySelectorAll('.edition-search-filter')].map(filter => [
            Math.round(filter.getBoundingClientRect().top), Math.round(filter.querySelector('select')
            .getBoundingClientRect().bottom)])"""
    )
    page.close()
    assert len(rows) == 5
    # Five filters one under another pushed the results below a phone's first screen.
    assert len({top for top, _ in rows}) <= 3, rows
    # In a row, the selects stand level, whatever their labels' lines.
    for top in {top for top, _ in rows}:
        assert len({bottom for row_top, bottom in rows if row_top == top}) == 1, rows


def test_the_search_box_of_every_page_opens_the_search_by_keyboard_alone(browser: object, site: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(site + "people.html")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "q":
            break
    page.keyboard.type("Panmunjom")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("body[data-search-done]")
    assert urlsplit(page.url).path.endswith("/search.html")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.edition-search-hit') !== null"):
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.removeprefix(site) == "agreements.html#agreement-armistice1953"
    assert page.evaluate("document.getElementById('agreement-armistice1953') !== null")
    context.close()


# -- Filters -----------------------------------------------------------------------------------


def test_a_person_or_organisation_filter_returns_exactly_the_paragraphs_mentioned_in(
    reader: Reader, editions: Layout
) -> None:
    site = editions.build / "html"
    registry: Registry = load_registry(REGISTRY)
    entries = [("person", person.name, f"person-{person.id}", "people.html") for person in registry.people.values()]
    entries += [
        ("organisation", org.name, f"org-{org.id}", "organisations.html") for org in registry.organisations.values()
    ]
    wrong = []
    for kind, name, anchor, glossary in entries:
        found = set(reader.relative(reader.search(**{kind: name})))
        if found != mentioned_in(site, anchor, glossary):
            wrong.append((name, sorted(found ^ mentioned_in(site, anchor, glossary))))
    assert wrong == []


def test_the_person_and_organisation_filters_list_as_the_glossaries_sort(reader: Reader) -> None:
    registry: Registry = load_registry(REGISTRY)
    expected = {
        "person": [person.name for person in sorted(registry.people.values(), key=lambda entry: entry.sort_key)],
        "organisation": [org.name for org in sorted(registry.organisations.values(), key=lambda entry: entry.sort_key)],
    }
    for name, order in expected.items():
        options = reader.page.evaluate(
            f"[...document.querySelectorAll('#edition-search-{name} option')].map(option => option.value)"
        )
        assert options[0] == ""  # "Anyone", "Any"
        # Every value the index holds is a registered name, so the whole list follows the glossary.
        assert options[1:] == [value for value in order if value in options], name
        assert len(options) > 10, name


def test_filters_by_kind_and_year_and_the_address_keeps_them(reader: Reader) -> None:
    people = reader.search("Korea", kind="Person")
    assert people
    assert all(hit["about"].startswith("Person") for hit in people)
    agreements = reader.search("", kind="Agreement")
    assert reader.relative(agreements)
    assert all(link.startswith("agreements.html#agreement-") for link in reader.relative(agreements))
    in_1953 = reader.search("", year="1953")
    assert set(reader.relative(in_1953)) == {
        "agreements.html#agreement-armistice1953",
        "timeline.html#event-armistice-1953",
    }
    assert "year=1953" in reader.page.url
    # The address alone reproduces the search: a link to a filtered search works.
    assert reader.relative(reader.open(year="1953")) == reader.relative(in_1953)
    assert reader.page.input_value("#edition-search-year") == "1953"
    texts = reader.search("Russia", kind="Report text")
    assert texts
    assert all(hit["about"].startswith("Report text") for hit in texts)


def test_a_year_inside_a_period_of_the_timeline_finds_that_period(reader: Reader, editions: Layout) -> None:
    # A timeline entry of 1970 to 1989 went on in 1980: filtering by any year of a period finds the period.
    registry: Registry = load_registry(REGISTRY)
    periods = [event for event in registry.events.values() if event.until]
    assert periods
    for event in periods:
        start = event.sort_key[0]
        for year in {start, (start + event.until) // 2, event.until}:
            found = reader.relative(reader.search("", kind="Event", year=str(year)))
            assert f"timeline.html#event-{event.id}" in found, (event.id, year)


def test_a_report_filter_on_the_two_report_site_returns_only_that_reports_pages(
    browser: object, two_reports: Layout
) -> None:
    with validators.served(two_reports.build / "html") as origin:
        reader = Reader(browser, origin)
        reader.open()
        labels = reader.page.evaluate(
            "[...document.querySelectorAll('#edition-search-report option')].map(o => o.value).filter(Boolean)"
        )
        assert len(labels) == 2
        fictional = f"{FICTIONAL_METADATA['title']} ({str(FICTIONAL_METADATA['conference_date'])[:4]})"
        assert fictional in labels
        for label in labels:
            slug = FICTIONAL_METADATA["slug"] if label == fictional else "strategic-conference-2020"
            found = reader.relative(reader.search("", report=label))
            assert found, label
            assert all(link.startswith(f"reports/{slug}/") for link in found), label
            assert reader.relative(reader.search("the", report=label))
            assert all(
                link.startswith(f"reports/{slug}/") for link in reader.relative(reader.search("the", report=label))
            )
        assert unresolved(two_reports.build / "html", found) == []
        assert reader.outside == []
        assert reader.errors == []
        reader.context.close()


NEAR_WORDS = {"sakhalin-test": "Ferries to Sakhalin.", "sakha-test": "The Republic of Sakha."}
"""Two reports of one page each, added to the two-report site: a word in one, the word it starts
with in the other. In parts, the part without "Sakhalin" answers it with "Sakha"."""


@pytest.fixture(scope="module")
def sites_compared(two_reports: Layout, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The two-report site and two one-page reports, indexed whole and in five parts (one a unit).

    An archive has parts from ten reports on (``search_parts``); one unit per part makes them here.
    """
    folder = tmp_path_factory.mktemp("parts")
    sites = []
    for name, units in (("whole", search_parts.UNITS_PER_PART), ("in-parts", 1)):
        site = shutil.copytree(two_reports.build / "html", folder / name)
        for slug, words in NEAR_WORDS.items():
            (site / "reports" / slug).mkdir()
            (site / "reports" / slug / "index.html").write_text(
                '<html lang="en"><body><article role="main"><h1>A test page</h1>'
                f'<p><span class="target" id="p1"></span>{words}</p></article></body></html>',
                encoding="utf-8",
            )
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(search_parts, "UNITS_PER_PART", units)
            index_site(site)
        sites.append(site)
    return sites[0], sites[1]


def test_an_index_in_parts_finds_what_one_index_finds(browser: object, sites_compared: tuple[Path, Path]) -> None:
    whole_site, site_in_parts = sites_compared
    parts = json.loads((site_in_parts / BUNDLE / search_parts.PARTS_FILE).read_text(encoding="utf-8"))["parts"]
    assert [part["folder"] for part in parts] == ["", "part-1/", "part-2/", "part-3/", "part-4/"]
    queries = [query for query, _ in QUERIES] + ["Kurbanov", "ferries", "the", "Korea 1992", "Sakhalin", "Sakha"]
    queries += ['"the future of Russia"', "the future of relations between Russia and Korea in the Sakhalin region"]
    with validators.served(whole_site) as whole, validators.served(site_in_parts) as in_parts:
        readers = Reader(browser, whole), Reader(browser, in_parts)
        requested: list[str] = []
        readers[1].page.on("request", lambda request: requested.append(request.url))
        for reader in readers:
            reader.open()
        options = "[...document.querySelectorAll('#edition-search-report option')].map(o => o.value)"
        assert readers[1].page.evaluate(options) == readers[0].page.evaluate(options)
        different = []
        for query in queries:
            one, many = (reader.relative(reader.search(query)) for reader in readers)
            if one[:1] != many[:1] or sorted(one) != sorted(many):
                different.append((query, one[:3], many[:3], len(one), len(many)))
        for label in readers[0].page.evaluate(options)[1:]:
            one, many = (sorted(reader.relative(reader.search("the", report=label))) for reader in readers)
            if one != many:
                different.append((label, len(one), len(many)))
        assert readers[1].relative(readers[1].search("Sakhalin")) == ["reports/sakhalin-test/index.html#p1"]
        assert different == []
        assert {urlsplit(url).path.split("/")[2] for url in requested if "/part-" in url} == {
            f"part-{number}" for number in range(1, 5)
        }
        for reader in readers:
            assert reader.outside == []
            assert reader.errors == []
            reader.context.close()


# -- The page: accessible, light and dark; the budget ----------------------------------------------


def test_the_search_page_with_results_passes_axe_in_light_and_dark(browser: object, site: str) -> None:
    require_tool(validators.AXE_SCRIPT, "axe-core (npm)")
    axe = validators.AXE_SCRIPT.read_text(encoding="utf-8")
    problems = []
    for scheme in validators.SCHEMES:
        for device, viewport in validators.VIEWPORTS.items():
            context = browser.new_context(viewport=viewport, color_scheme=scheme)
            page = context.new_page()
            page.goto(site + "search.html?q=Kurbanov&kind=Person")
            page.wait_for_selector("body[data-search-done]")
            validators.inject_axe(page, axe)
            problems += [f"[{scheme}, {device}] {v}" for v in page.evaluate(validators.AXE_RUN, validators.WCAG_21_AA)]
            context.close()
    assert problems == []


def test_one_query_downloads_at_most_150_kB_of_index_and_ui(browser: object, site: str) -> None:
    context = browser.new_context()
    for query in ("Kurbanov", "Korea"):  # a name; a word on nearly every page
        sizes = downloads_for_query(context.new_page(), site, query)
        stored = sum(size for size, _ in sizes.values()) / 1000
        sent = sum(size for _, size in sizes.values()) / 1000
        print(f"\nsearch for {query!r}, one-report site: {stored:.1f} kB stored, {sent:.1f} kB transferred")
        assert any(url.endswith("/pagefind/pagefind.js") for url in sizes)
        assert any(url.endswith(".pf_fragment") for url in sizes)
        assert sent <= BUDGET_KB
    context.close()


# -- From disk: Sphinx's search, with its anchors right ----------------------------------------


def test_from_disk_sphinx_search_answers_with_working_anchors(browser: object, editions: Layout) -> None:
    site = (editions.build / "html").resolve()
    context = browser.new_context()
    page = context.new_page()
    page.goto(site.as_uri() + "/search.html?q=Kurbanov")
    page.wait_for_selector("#search-results ul.search li a")
    validators.wait_until(page, "!document.querySelector('#search-results h2').textContent.startsWith('Searching')")
    links = page.evaluate("[...document.querySelectorAll('#search-results ul.search li > a')].map(a => a.href)")
    relative = [link.removeprefix(site.as_uri() + "/") for link in links]
    assert "people.html#person-kurbanov" in relative
    assert len(relative) == len(set(relative))
    assert unresolved(site, [link for link in relative if "#" in link]) == []
    assert page.is_visible("#edition-search-note")
    assert not page.is_visible("#edition-search-filters")
    context.close()


def test_sphinx_index_has_every_anchor_in_full(editions: Layout) -> None:
    text = (editions.build / "html" / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    site = editions.build / "html"
    links = [
        f"{data['docnames'][entry[0]]}.html#{entry[3]}" for entries in data["objects"].values() for entry in entries
    ]
    assert links
    assert unresolved(site, links) == []


def test_the_pages_indexed_are_the_content_pages_in_the_order_of_their_paths(tmp_path: Path) -> None:
    # The order of the pages is the order of the records in the index (its bytes): that of their
    # paths' parts, where "a" comes before "a-b" (as text, "a-b/" comes before "a/").
    site = tmp_path / "site"
    pages = ["a-b/x.html", "a/sub/y.html", "a/x.html", "a.html", "b/.hidden.html", "Z.html", "reports/r/index.html"]
    left_out = ["_static/x.html", "_sources/a.html", "pagefind/x.html", "pagefind.html", "search.html", "404.html"]
    for name in [*pages, *left_out, "a/notes.txt", "genindex.html"]:
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text("<html></html>", encoding="utf-8")
    (site / "a" / "linked").symlink_to(site / "a-b")  # a link to a folder is not walked into
    found = site_pages(site)
    assert [url for url, _ in found] == sorted(pages, key=lambda url: Path(url).parts)
    assert [file for _, file in found] == [str(site / url) for url, _ in found]


def test_the_index_written_pruned_is_the_one_read_back_and_pruned() -> None:
    # Sphinx numbers its object types; JSON reads the numbers back as text, which sorts "10"
    # before "2": the index written must not depend on whether it was read back first.
    from sphinx.search import js_index

    frozen: dict[str, Any] = {
        "objtypes": {number: f"forum:kind{number}" for number in range(12)},
        "objnames": {number: ("forum", f"kind{number}", f"Kind {number}") for number in range(12)},
        "terms": {"word": 0},
    }
    text = js_index.dumps(frozen)
    read_back = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    assert js_index.dumps(prune(copy.deepcopy(frozen))) == js_index.dumps(prune(read_back))


@pytest.mark.parametrize("frozen", [True, False], ids=["as Sphinx freezes it", "as JSON gives it"])
def test_pruning_restores_shortened_anchors(frozen: bool) -> None:
    # Sphinx hands its writer tuples and object types keyed by number; JSON gives lists and text keys.
    entry = (0, 0, 1, "-", "Sergei Kurbanov")
    data = {
        "docnames": ("people",) if frozen else ["people"],
        "objtypes": {0 if frozen else "0": "forum:person"},
        "objects": {"": [entry if frozen else list(entry)]},
        "alltitles": {"Sergei Kurbanov": [(0, "person-kurbanov")], "People": [(0, "")]},
        "indexentries": {},
        "terms": {"gone": [], "kept": 0},
    }
    pruned = prune(data, {("people", "forum:person", "Sergei Kurbanov"): ["person-kurbanov"]})
    assert pruned["objects"][""][0][3] == "person-kurbanov"
    assert pruned["alltitles"] == {"People": [(0, "")]}
    assert pruned["terms"] == {"kept": 0}


@pytest.mark.parametrize("algorithm", sorted(__import__("Stemmer").algorithms()))
def test_sphinx_stems_in_c_and_gets_the_pure_python_stems(algorithm: str) -> None:
    # PyStemmer (a dependency) makes snowballstemmer, and so Sphinx's search index, stem in C:
    # the index must be the one the pure-Python stemmer gives, in whatever language the site is
    # (the newest report's). Every word of the reports, the registry and the pages is checked,
    # in Latin, Cyrillic and Hangul alike, with every algorithm both have.
    import importlib

    import snowballstemmer
    from sphinx.search.en import SearchEnglish
    from Stemmer import Stemmer

    assert isinstance(SearchEnglish({}).stemmer, Stemmer)
    texts = ("source_reports/*/*.txt", "registry/**/*.yaml", "docs/**/*.md", "tests/fixtures/**/*.txt")
    sources = [path for pattern in texts for path in PROJECT_ROOT.glob(pattern)]
    words = {word for path in sources for word in re.findall(r"\w+", path.read_text(encoding="utf-8").lower())}
    assert len(words) > 900
    module = importlib.import_module(f"snowballstemmer.{algorithm}_stemmer")
    pure = getattr(module, "".join(part.title() for part in algorithm.split("_")) + "Stemmer")()
    stemmer = snowballstemmer.stemmer(algorithm)
    assert {word: stemmer.stemWord(word) for word in words} == {word: pure.stemWord(word) for word in words}


# -- The records, without a browser -----------------------------------------------------------------


def test_every_paragraph_and_entry_is_one_record_at_an_existing_anchor(editions: Layout) -> None:
    site = editions.build / "html"
    _, found = records(site)
    urls = [record.url for record in found]
    assert len(urls) == len(set(urls))
    assert unresolved(site, urls) == []
    # Each result's title tells it apart (a caption is not its page's heading).
    titles = Counter(record.title for record in found)
    assert [title for title, count in titles.items() if count > 1] == []
    kinds = {record.kind for record in found}
    assert kinds == {"Report text", "Editorial text", "Person", "Organisation", "Event", "Agreement"}
    registry: Registry = load_registry(REGISTRY)
    assert {f"people.html#person-{person}" for person in registry.people} <= set(urls)
    assert {f"agreements.html#agreement-{key}" for key in registry.agreements} <= set(urls)
    # A heading the report has is report text; a page title the editors gave is editorial.
    by_url = {record.url: record.kind for record in found}
    pages = "reports/strategic-conference-2020/"
    assert by_url[pages + "first-session.html#years-of-diplomatic-relations-past-and-future-perspectives"] == (
        "Report text"
    )
    assert by_url[pages + "opening.html#opening-and-welcome-addresses"] == "Editorial text"
    assert by_url[pages + "opening.html#p2"] == "Report text"
    for record in found:
        words = " ".join(text for text, _ in record.parts)
        assert "@agreement" not in words, record.url
        assert "Mentioned in" not in words, record.url


def test_a_results_title_gives_a_paragraph_number_only_where_the_page_shows_that_number(
    editions: Layout, indexed: list[Record]
) -> None:
    # "Open data, ¶29" named a number the data page never shows; such a block is named by where
    # it stands (its section's heading, the term it defines) and its number stays out.
    site, pages = editions.build / "html", {}
    for record in indexed:
        if record.kind not in ("Report text", "Editorial text"):
            continue
        page, _, anchor = record.url.partition("#")
        if page not in pages:
            pages[page] = lxml_html.fromstring((site / page).read_bytes())
        target = pages[page].xpath(f"//*[@id='{anchor}']")[0]
        if target.tag == "section":
            continue  # a heading's record, titled by the heading
        block = target.getparent() if target.tag == "span" else target
        if block.tag == "figure":  # a caption's record is at its figure, which may hold paragraphs too
            block = block.xpath(".//figcaption")[0]
        shown = [link.lstrip("¶") for link in block.xpath(".//a[@class='paragraph-link']/text()")]
        numbered = re.search(r", ¶(\d+)(?: \(caption\))?$", record.title)
        if shown:
            assert numbered, (record.url, record.title, shown)
            assert numbered.group(1) == shown[0], (record.url, record.title, shown)
        else:
            assert "¶" not in record.title, (record.url, record.title)
            heading = " ".join(pages[page].xpath("//h1")[0].text_content().split()).rstrip("¶# ")
            assert record.title.startswith(heading), (record.url, record.title)


def test_a_paragraphs_record_holds_its_words_as_a_reader_reads_them_and_nothing_else(editions: Layout) -> None:
    # The fidelity check's reading of the paragraph: without the page furniture (the ¶ link, the
    # Cite button, cards, citation labels). A control added to the pages and not to the list of
    # furniture shows here as words no reader sees in the paragraph.
    site = editions.build / "html"
    _, found = records(site)
    compared = 0
    for record in found:
        page, _, anchor = record.url.partition("#")
        if not re.fullmatch(r"p\d+", anchor):
            continue
        tree = lxml_html.parse(str(site / page)).getroot()
        (paragraph,) = tree.xpath(f'//p[span[@class="target"][@id="{anchor}"]] | //p[@id="{anchor}"]')
        # Its controls, whatever their classes: its buttons and its link to itself.
        controls = [
            " ".join(control.text_content().split())
            for control in paragraph.xpath(f'.//button | .//a[@href="#{anchor}"]')
        ]
        assert [text for text, _ in record.parts] == [" ".join(element_text(paragraph).split())], record.url
        assert not [control for control in controls if control in record.parts[0][0]], record.url
        compared += bool(controls)
    assert compared > 20  # paragraphs with a ¶ link and a Cite button (31 in the test site)


def test_editorial_blocks_are_editorial_text_and_sources_are_never_indexed(editions: Layout) -> None:
    site = editions.build / "html"
    _, found = records(site)
    trees: dict[str, Any] = {}
    editorial_itself = 0
    for record in found:
        page, _, anchor = record.url.partition("#")
        tree = trees.setdefault(page, lxml_html.parse(str(site / page)).getroot())
        words = " ".join(text for text, _ in record.parts)
        if re.fullmatch(r"p\d+", anchor):
            # A paragraph that is an editors' note itself (a missing photograph's), or inside one.
            (block,) = tree.xpath(f'//p[span[@class="target"][@id="{anchor}"]] | //p[@id="{anchor}"]')
            classes = [(element.get("class") or "").split() for element in (block, *block.iterancestors())]
            if any("editorial" in names for names in classes):
                assert record.kind == "Editorial text", record.url
                editorial_itself += "editorial" in classes[0]
        # The editors' sources are not what an entry or an agreement is about.
        entry = tree.get_element_by_id(anchor)
        for source in entry.xpath(".//*[contains(@class, 'entry-sources')]//li"):
            assert " ".join(source.text_content().split()) not in words, record.url
        assert "Sources:" not in words, record.url
    assert editorial_itself >= 1


def test_a_list_inside_a_list_item_is_not_run_into_its_words() -> None:
    entry = lxml_html.fromstring(
        "<dd><ul><li><p>the report: spoke</p><ul><li><p>Professor</p></li><li><p>Head</p></li></ul></li>"
        "<li><p>another report</p></li></ul></dd>"
    )
    assert search_module.text_of(entry) == "the report: spoke; Professor; Head; another report"


def test_two_records_at_one_anchor_stop_the_index(tmp_path: Path) -> None:
    page = (
        '<html lang="en"><body><article role="main"><h1>T</h1>'
        '<p id="p1">One.</p><p id="p1">Two.</p></article></body></html>'
    )
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    with pytest.raises(SearchIndexFailed, match=r"page\.html#p1"):
        records(tmp_path)


def test_the_bundle_is_byte_identical_from_one_run_to_the_next(tmp_path: Path) -> None:
    # Pagefind writes filter files from hash maps, in a different order each run: search_bundle
    # rewrites them in sorted order. Many filter values make a different order all but certain.
    people = [f"Person {letter}" for letter in "ABCDEFGHIJKL"]
    paragraphs = "".join(
        f'<p><span class="target" id="p{number}"></span>Words {number}. '
        f'<span class="mention-text" data-kind="person" data-entity="{name}">{name}</span></p>'
        for number, name in enumerate(people, start=1)
    )
    (tmp_path / "page.html").write_text(
        f'<html lang="en"><body><article role="main"><h1>Page</h1>{paragraphs}</article></body></html>',
        encoding="utf-8",
    )
    bundles = []
    for run in range(2):
        index_site(tmp_path)
        bundles.append(shutil.copytree(tmp_path / BUNDLE, tmp_path.parent / f"bundle-{run}"))
    comparison = filecmp.dircmp(bundles[0], bundles[1])
    assert comparison.left_only == comparison.right_only == []
    assert filecmp.dircmp(bundles[0] / "filter", bundles[1] / "filter").left_only == []
    for folder in ("", "filter", "index", "fragment"):
        for path in sorted((bundles[0] / folder).glob("*.*")):
            assert path.read_bytes() == (bundles[1] / folder / path.name).read_bytes(), path.name


def test_the_record_cache_reads_again_only_pages_that_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The cache (build/.doctrees/search-pages.json) is keyed by each page's bytes: a changed page is
    # read again, an unchanged one is not, and a corrupt cache is as good as none.
    site, cache = tmp_path / "site", tmp_path / "cache.json"
    site.mkdir()
    (site / "a.html").write_text(page_saying("First words."), encoding="utf-8")
    (site / "b.html").write_text(page_saying("First words."), encoding="utf-8")
    records(site, cache)
    read: list[str] = []
    original = search_module.page_parts
    monkeypatch.setattr(search_module, "page_parts", lambda page, url: read.append(url) or original(page, url))
    (site / "b.html").write_text(page_saying("Second words."), encoding="utf-8")
    _, found = records(site, cache)
    assert read == ["b.html"]
    words = {record.url: " ".join(text for text, _ in record.parts) for record in found}
    assert words == {"a.html#p1": "First words.", "b.html#p1": "Second words."}
    damaged_files = [
        "{not json",
        '{"a key": {"records": []}}',
        "[1, 2]",
        '{"pages": {}, "files": []}',
        "[" * 100_000,
        '{"version": "x", "pages": {}, "files": {}, "saved_ns": 1e400}',
        '{"version": "x", "pages": {}, "files": {"a.html": [1, 2, 3, 4, [5]]}, "saved_ns": 0}',
    ]
    for damaged in damaged_files:
        # As written (its first line no digest of the rest), and behind a digest that matches.
        for text in (damaged, f"{hashlib.sha256(damaged.encode()).hexdigest()}\n{damaged}"):
            cache.write_text(text, encoding="utf-8")
            read.clear()
            assert records(site, cache)[1] == found
            assert sorted(read) == ["a.html", "b.html"]
    # A damaged entry of a page that is otherwise unchanged: that page is read again.
    good = search_module.unsealed(cache.read_text(encoding="utf-8"))
    key = good["files"]["a.html"][4]
    for entry in ({"x": 1}, {**good["pages"][key], "records": [{"url": 5}]}, {**good["pages"][key], "language": None}):
        cache.write_text(search_module.sealed({**good, "pages": {**good["pages"], key: entry}}), encoding="utf-8")
        read.clear()
        assert records(site, cache)[1] == found
        assert read == ["a.html"]
    # A value of the right type but not the one written (no page's records counted, say): the
    # digest on the first line no longer matches, and every page is read again.
    seal, _, body = cache.read_text(encoding="utf-8").partition("\n")
    kept = json.loads(body)
    kept["pages"][kept["files"]["a.html"][4]]["count"] = 0
    cache.write_text(f"{seal}\n{json.dumps(kept)}", encoding="utf-8")
    read.clear()
    assert records(site, cache)[1] == found
    assert sorted(read) == ["a.html", "b.html"]

    # Parts cached by other code (another version of the reading, or of the furniture list) are
    # read again: the digest of that code is part of every key.
    read.clear()
    records(site, cache)
    assert read == []
    furniture = tmp_path / "page_furniture.py"
    furniture.write_text(Path(search_module.page_furniture.__file__).read_text(encoding="utf-8") + "\n# changed\n")
    monkeypatch.setattr(search_module.page_furniture, "__file__", str(furniture))
    monkeypatch.setattr(search_module, "CACHE_VERSION", search_module._code_digest())
    assert records(site, cache)[1] == found
    assert sorted(read) == ["a.html", "b.html"]


def test_a_page_whose_file_is_the_same_is_taken_from_the_cache_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cache keeps each page's file identity (device, inode, size, modification time) with
    # its digest (search._known_key): the staged site's unchanged pages are the published files.
    site, cache = tmp_path / "site", tmp_path / "cache.json"
    site.mkdir()
    page = site / "a.html"

    def words() -> str:
        return " ".join(text for record in records(site, cache)[1] for text, _ in record.parts)

    def rewrite(text: str, modified_ns: int) -> None:  # in place, as the pipeline never writes a page
        page.write_text(page_saying(text), encoding="utf-8")
        os.utime(page, ns=(modified_ns, modified_ns))

    long_ago = time.time_ns() - 60 * 1_000_000_000
    rewrite("First words.", long_ago)
    assert words() == "First words."
    rewrite("Other words.", long_ago)  # the same size and time: the same file, as far as the cache can tell
    assert words() == "First words."  # not read
    with monkeypatch.context() as other_code:
        other_code.setattr(search_module, "CACHE_VERSION", "another version of the reading")
        assert words() == "Other words."  # identities taken by other code: digested again
    rewrite("Other words.", long_ago + 1)  # a new time: read again
    assert words() == "Other words."
    just_now = time.time_ns()
    rewrite("Other words.", just_now)
    assert words() == "Other words."
    rewrite("Third words.", just_now)  # changed within the clock's tick of the cache's writing
    assert words() == "Third words."  # read again all the same


def test_a_request_the_pagefind_service_refuses_is_one_clear_error() -> None:
    with PagefindService({"force_language": "en"}) as service, pytest.raises(PagefindServiceError, match="pagefind"):
        service.send({"type": "NoSuchRequest"})


def test_the_bundle_shares_unchanged_files_with_the_previous_one_and_equals_a_bundle_written_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pagefind writes into memory and the staged bundle links what the published one already has
    # (dialogue_edition.search_scratch); without a memory folder it writes into the site itself.
    if search_scratch.memory_folder(0) is None:
        pytest.skip("this machine has no /dev/shm with room: the bundle is written in place")
    site = tmp_path / "site"
    site.mkdir()
    (site / "page.html").write_text(page_saying("Words of the first build."), encoding="utf-8")
    index_site(site)
    published = shutil.copytree(site / BUNDLE, tmp_path / "published")
    (site / "page.html").write_text(page_saying("Words of the second build."), encoding="utf-8")
    index_site(site, previous=published)
    shared = {path.relative_to(site / BUNDLE) for path in (site / BUNDLE).rglob("*") if path.stat().st_nlink > 1}
    assert Path("wasm.en.pagefind") in shared  # the same bytes as before: linked
    new = {path.name for path in (site / BUNDLE / "fragment").iterdir()} - {
        path.name for path in (published / "fragment").iterdir()
    }
    assert new  # the changed paragraph's fragment: copied, not linked
    assert not any(Path("fragment", name) in shared for name in new)
    in_memory = {path.relative_to(site / BUNDLE): path.read_bytes() for path in (site / BUNDLE).rglob("*.*")}
    monkeypatch.setattr(search_scratch, "MEMORY", tmp_path / "no-such-folder")
    index_site(site, previous=published)
    assert not any(path.stat().st_nlink > 1 for path in (site / BUNDLE).rglob("*.*"))
    assert {path.relative_to(site / BUNDLE): path.read_bytes() for path in (site / BUNDLE).rglob("*.*")} == in_memory


def test_the_room_asked_for_in_memory_holds_what_pagefind_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The scratch folder goes to memory only with room for Pagefind's whole output, all of it
    # (search_scratch.room_for): estimated from the records, as measuring the last bundle cost an edit.
    site = tmp_path / "site"
    site.mkdir()
    for number in range(12):
        (site / f"page-{number}.html").write_text(page_saying(f"Words of page {number}. " * 40), encoding="utf-8")
    monkeypatch.setattr(search_scratch, "MEMORY", tmp_path / "no-such-folder")  # Pagefind writes in place
    monkeypatch.setattr(search_module, "_keep_used_files", lambda *arguments, **options: None)  # all it wrote
    index_site(site)
    language, found = records(site)
    [part] = search_parts.split_into_parts(found, language, "any version")
    written = [path.stat().st_size for path in (site / BUNDLE).rglob("*") if path.is_file()]
    assert len(written) > len(found)  # a fragment per record, and more
    taken = sum(max(size, search_scratch.FILE_ROOM) for size in written)
    assert taken <= search_scratch.room_for(part.documents)
    assert search_scratch.memory_folder(1 << 60) is None  # no room: written in place


def test_place_links_only_files_with_the_same_bytes(tmp_path: Path) -> None:
    previous, written, bundle = tmp_path / "previous", tmp_path / "written", tmp_path / "bundle"
    before = {"same": "a", "changed": "b", "sub/same": "c"}
    after = {"same": "a", "changed": "B", "sub/same": "c", "new": "d"}
    for folder, files in ((previous, before), (written, after)):
        for name, text in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
    # A published file that is a link (to the same bytes) is never linked to: what it leads to is not the site's.
    (tmp_path / "elsewhere").write_text("e", encoding="utf-8")
    (previous / "a-link").symlink_to(tmp_path / "elsewhere")
    (written / "a-link").write_text("e", encoding="utf-8")
    after["a-link"] = "e"
    search_scratch.place(written, bundle, previous)
    placed = {path.relative_to(bundle).as_posix(): path for path in bundle.rglob("*") if path.is_file()}
    assert {name: path.read_text(encoding="utf-8") for name, path in placed.items()} == after
    linked = {name for name in before if placed[name].stat().st_ino == (previous / name).stat().st_ino}
    assert linked == {"same", "sub/same"}
    assert not placed["a-link"].is_symlink()
    assert placed["a-link"].stat().st_ino != (tmp_path / "elsewhere").stat().st_ino


def test_place_leaves_the_folders_it_is_told_to(tmp_path: Path) -> None:
    # The first part of the index is placed without the other parts' folders, each placed on its own.
    written, bundle = tmp_path / "written", tmp_path / "bundle"
    for name in ("entry.json", "fragment/a.pf_fragment", "part-1/entry.json", "deeper/part-1/kept"):
        (written / name).parent.mkdir(parents=True, exist_ok=True)
        (written / name).write_text(name, encoding="utf-8")
    search_scratch.place(written, bundle, None, leave=frozenset({"part-1"}))
    placed = sorted(path.relative_to(bundle).as_posix() for path in bundle.rglob("*") if path.is_file())
    assert placed == ["deeper/part-1/kept", "entry.json", "fragment/a.pf_fragment"]


def test_a_killed_builds_scratch_folder_goes_and_a_running_builds_stays(tmp_path: Path) -> None:
    # A build holds its scratch folder locked (search_scratch.scratch_folder); the lock goes with
    # its process, however it ends. Odd names, links and folders just made are left alone.
    old = time.time() - 2 * search_scratch.FRESH
    folders = {name: tmp_path / f"{search_scratch.PREFIX}{name}" for name in ("killed", "running", "just-made")}
    for folder in folders.values():
        (folder / BUNDLE).mkdir(parents=True)
    for name in ("killed", "running"):
        os.utime(folders[name], (old, old))
    (tmp_path / f"{search_scratch.PREFIX}\u00b2").write_text("not a folder", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / BUNDLE).mkdir(parents=True)
    os.utime(elsewhere, (old, old))
    (tmp_path / f"{search_scratch.PREFIX}link").symlink_to(elsewhere)
    held = os.open(folders["running"], os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        search_scratch.remove_abandoned(tmp_path)
    finally:
        os.close(held)
    assert not folders["killed"].exists()
    assert folders["running"].exists()
    assert folders["just-made"].exists()
    assert (elsewhere / BUNDLE).exists()


def test_a_build_with_no_room_in_memory_writes_the_index_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A scratch folder that cannot be made (memory filled since it was measured) is no error.
    (tmp_path / "page.html").write_text(page_saying("Words."), encoding="utf-8")

    def full(**_: object) -> str:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(search_scratch.tempfile, "mkdtemp", full)
    assert index_site(tmp_path).records == 1
    assert (tmp_path / BUNDLE / "pagefind-entry.json").is_file()


def test_pages_read_by_several_processes_give_the_records_read_in_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A cold build of a large archive reads its pages in processes forked per core
    # (search._read_pages): the records, and their order, must be those of one process.
    for number in range(5):
        (tmp_path / f"page-{number}.html").write_text(page_saying(f"Words of page {number}."), encoding="utf-8")
    monkeypatch.setattr(search_module, "PARALLEL_FROM", 10**6)
    in_one = records(tmp_path)[1]
    pools: list[object] = []

    class CountedPool(ProcessPoolExecutor):
        def __init__(self, *arguments: Any, **options: Any) -> None:
            pools.append(self)
            super().__init__(*arguments, **options)

    monkeypatch.setattr(search_module, "PARALLEL_FROM", 2)
    monkeypatch.setattr(search_module, "ProcessPoolExecutor", CountedPool)
    monkeypatch.setattr(search_module, "usable_cores", lambda: 2)
    assert records(tmp_path)[1] == in_one
    assert len(pools) == 1
    assert [record.url for record in in_one] == [f"page-{number}.html#p1" for number in range(5)]
