"""The editions as a reader meets them: rendered pages checked in Chromium, and what they say.

The browser checks (``dialogue_edition.checks.reader``) look at every page on a phone (390 px)
and a desktop (1280 px), light and dark: nothing scrolls sideways, no text is clipped, and every
card opened by hover, focus or tap lies in the viewport against the line that opened it. Each
check is also run once on a page made to fail it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from conftest import PROJECT_ROOT, require_tool
from dialogue_edition.build import Layout
from dialogue_edition.checks import reader, validators
from dialogue_edition.checks.links import site_prefix
from dialogue_edition.registry import load_registry
from lxml import html as lxml_html

REGISTRY = PROJECT_ROOT / "registry"
REPORT_PAGES = "reports/strategic-conference-2020/"


def _page(editions: Layout, name: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((editions.build / "html" / name).read_bytes())


def _pages(site: Path) -> list[str]:
    return [page.relative_to(site).as_posix() for page in sorted(site.rglob("*.html"))]


def _browser() -> None:
    require_tool(validators.CHROMIUM, "Chromium")


# -- In the browser --------------------------------------------------------------------------------


def test_every_page_fits_and_every_card_opens_against_its_mention(editions: Layout) -> None:
    _browser()
    site = editions.build / "html"
    report = reader.reader_check(site, _pages(site), site_prefix(PROJECT_ROOT))
    assert report.problems == []
    # Not a check that covered nothing: cards were opened, some from a mention that wraps (at
    # 390 px the longer names of the report run onto a second line).
    assert report.cards_opened > 100
    assert report.wrapped_mentions


BAD_PAGE = """<!DOCTYPE html><html lang="en"><head><title>x</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>
body { margin: 0; }
pre { overflow: auto; }
.clipped { width: 6rem; height: 1.2em; overflow: hidden; }
.tight { word-spacing: -0.25em; }
.mention-card[hidden] { display: none; }
.mention:hover > .mention-card[hidden], .mention:focus-within > .mention-card[hidden] { display: block; }
#far > .mention-card { position: fixed; left: 300px; top: 10px; width: 300px; }
#apart > .mention-card { position: fixed; left: 0; top: 0; width: 100px; }
</style></head><body><main>
<p>Some text before <span class="mention" id="far"><a href="#x">a name long enough to wrap onto a second
line of this narrow page</a><span class="mention-card" hidden>card</span></span> and
<span class="mention" id="apart"><a href="#y">another name</a><span class="mention-card" hidden>card</span></span>.</p>
<pre>a line of code much too long for a phone, a line of code much too long for a phone, and longer still</pre>
<p class="tight"><span class="mention"><a href="#k">Korea</a></span>
<span class="mention"><a href="#l">Lee</a></span></p>
<div class="clipped">a few words that wrap in a box too short for them</div>
<div>{wide}</div>
</main></body></html>"""


def test_the_reader_check_catches_scrolling_clipping_and_misplaced_cards(tmp_path: Path) -> None:
    _browser()
    (tmp_path / "bad.html").write_text(BAD_PAGE.replace("{wide}", "W" * 80), encoding="utf-8")
    problems = reader.reader_check(tmp_path, ["bad.html"]).problems
    phone = [problem for problem in problems if "[phone, light]" in problem]
    assert any("the page scrolls sideways" in problem for problem in phone)
    assert any("pre scrolls or clips sideways" in problem for problem in phone)
    assert any("div.clipped clips its text" in problem for problem in phone)
    assert any('"Korea" and "Lee" run together' in problem for problem in phone)
    assert any("'a name long enough" in problem and "lies outside the" in problem for problem in phone)
    assert any("'another name' opened by tap" in problem and "does not touch" in problem for problem in phone)
    desktop = [problem for problem in problems if "[desktop, light]" in problem]
    assert any("'another name' opened by hover" in problem and "does not touch" in problem for problem in desktop)


def test_printing_a_page_prints_its_text_only(editions: Layout) -> None:
    _browser()
    from playwright.sync_api import sync_playwright

    site = editions.build / "html"
    prefix = site_prefix(PROJECT_ROOT)
    hidden = [".announcement", ".skip-to-content", ".sidebar-drawer", ".toc-drawer", ".mention-card"]
    with validators.served(site, prefix) as origin, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(validators.CHROMIUM), args=validators.CHROMIUM_FLAGS)
        page = browser.new_page()
        page.goto(origin + REPORT_PAGES + "first-session.html")
        page.emulate_media(media="print")
        shown = page.evaluate(
            "selectors => selectors.filter(s => Array.from(document.querySelectorAll(s))"
            ".some(e => getComputedStyle(e).display !== 'none'))",
            hidden,
        )
        heading = page.evaluate("getComputedStyle(document.querySelector('article h1')).display")
        browser.close()
    assert shown == []
    assert heading == "block"


# -- In the pages' markup --------------------------------------------------------------------------


def test_every_page_goes_by_one_title(editions: Layout) -> None:
    assert reader.title_problems(editions.build / "html", site_prefix(PROJECT_ROOT)) == []


def test_every_page_of_a_site_of_two_reports_goes_by_one_title(two_reports: Layout) -> None:
    # An imported report: its parts named by their headings, and the report by its landing page's.
    assert reader.title_problems(two_reports.build / "html", site_prefix(PROJECT_ROOT)) == []


def test_the_title_check_catches_a_page_named_twice(editions: Layout, tmp_path: Path) -> None:
    site = tmp_path / "html"
    for path in (editions.build / "html").rglob("*.html"):
        copy = site / path.relative_to(editions.build / "html")
        copy.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text(encoding="utf-8")
        # The sidebar's name of the timeline, as the toctree could give it: a second name.
        copy.write_text(text.replace('href="timeline.html">Timeline<', 'href="timeline.html">Dates<'), encoding="utf-8")
    problems = reader.title_problems(site, site_prefix(PROJECT_ROOT))
    assert any("the sidebar names timeline.html 'Dates', but its heading is 'Timeline'" in p for p in problems)


def test_cards_say_what_the_glossary_says(editions: Layout) -> None:
    page = _page(editions, REPORT_PAGES + "first-session.html")
    registry = load_registry(REGISTRY)
    for mention in page.xpath("//span[contains(@class, 'mention ') or @class='mention'][@data-kind='person']"):
        person = registry.people[mention.get("data-entity")]
        card = " ".join(mention.xpath(".//span[@class='mention-card']")[0].text_content().split())
        for position in person.positions:  # earlier positions too ("President of the Republic of Korea")
            assert position.title in card, (person.id, card)


def test_citations_have_a_card_and_read_as_editorial(editions: Layout) -> None:
    page = _page(editions, REPORT_PAGES + "first-session.html")
    citations = page.xpath("//span[contains(@class, 'citation-ref') and contains(@class, 'editorial')]")
    assert citations
    ids = page.xpath("//@id")
    assert len(ids) == len(set(ids))
    registry = load_registry(REGISTRY)
    for citation in citations:
        (link,) = citation.xpath(".//a[@href]")
        (card,) = citation.xpath(".//span[@class='mention-card']")
        assert link.get("aria-describedby") == card.get("id")
        assert link.get("title") is None  # the card, not a tooltip touch screens never show
        assert registry.agreements[citation.get("data-entity")].title in card.text_content()
        assert "editorial" in card.text_content()


def test_the_glossary_shows_people_as_it_sorts_them(editions: Layout) -> None:
    registry = load_registry(REGISTRY)
    page = _page(editions, "people.html")
    for entry in page.xpath("//section[contains(@class, 'glossary-entry')]"):
        person = registry.people[entry.get("id").removeprefix("person-")]
        heading = entry.xpath("string(.//h3)")
        assert heading.startswith(person.family_name), heading
    for name in ("people.html", "organisations.html"):
        assert "registry/" not in _page(editions, name).xpath("string(//article)")


def test_the_timeline_says_where_each_date_comes_from(editions: Layout) -> None:
    page = _page(editions, "timeline.html")
    assert "Date from" not in page.xpath("string(//article)")
    entries = page.xpath("//section[starts-with(@id, 'event-')]")
    assert len(entries) == len(load_registry(REGISTRY).events)
    for entry in entries:
        # The entry's "Sources" field names where its date comes from.
        sources = entry.xpath(".//dt[starts-with(normalize-space(), 'Sources')]/following-sibling::dd[1]")
        assert sources, entry.get("id")
        assert "Date: " in " ".join(sources[0].text_content().split()), entry.get("id")


def test_the_agreements_bibtex_is_folded_away(editions: Layout) -> None:
    page = _page(editions, "agreements.html")
    # The class itself, not "cite-this-page" (the header's Cite button).
    blocks = page.xpath("//div[contains(concat(' ', normalize-space(@class), ' '), ' cite-this ')]")
    assert blocks
    assert all(block.getparent().tag == "details" for block in blocks)


def test_the_general_index_is_linked_and_keeps_each_entry_whole(editions: Layout) -> None:
    site = editions.build / "html"
    for name in _pages(site):
        links = _page(editions, name).xpath("//div[contains(@class, 'sidebar-tree')]//a[. = 'Index']/@href")
        if name == "genindex.html":
            assert links == ["#"]
        else:
            assert len(links) == 1, name
            assert links[0].endswith("genindex.html"), name
    index = _page(editions, "genindex.html").xpath("string(//article)")
    for event in load_registry(REGISTRY).events.values():
        if ";" in event.name:
            assert event.name.replace(";", ",") in index


def test_each_page_has_its_icon_and_the_landing_page_a_description(editions: Layout) -> None:
    site = editions.build / "html"
    for name in _pages(site):
        (icon,) = _page(editions, name).xpath("//link[@rel='shortcut icon' or @rel='icon']/@href")
        assert icon.endswith("favicon.svg")
    assert (site / "_static" / "favicon.svg").is_file()
    (description,) = _page(editions, "index.html").xpath("//meta[@name='description']/@content")
    assert description.startswith("Digital edition of the reports")
    assert not re.search(r"^Download", description)


def test_each_page_is_described_by_a_passage_of_its_own_text(editions: Layout) -> None:
    site = editions.build / "html"
    described = 0
    for name in _pages(site):
        page = _page(editions, name)
        descriptions = page.xpath("//meta[@name='description']/@content")
        assert len(descriptions) <= 1, name
        if not descriptions or name == "index.html":  # the landing page's is the site's (above)
            continue
        described += 1
        (description,) = descriptions
        assert page.xpath("//meta[@property='og:description']/@content") == [description], name
        assert len(description) <= 200, name
        # A passage of the page read in order (not its fields or letters joined with commas), as
        # the reader reads it: without the mentions' cards and the paragraphs' Cite controls.
        furniture = "//*[contains(@class, 'mention-card') or contains(@class, 'cite-control')]"
        for element in page.xpath(furniture):
            element.drop_tree()
        article = " ".join(page.xpath("//article")[0].text_content().split())
        assert description.removesuffix("…") in article, (name, description)
        if page.xpath("//div[contains(@class, 'editorial')]/p[@class='admonition-title' and starts-with(., 'About')]"):
            box = page.xpath("//div[contains(@class, 'editorial')][p[@class='admonition-title']]")[0]
            assert description.removesuffix("…") in " ".join(box.text_content().split()), name
    assert described >= 10


def test_only_pages_with_a_source_offer_to_report_an_error(editions: Layout) -> None:
    for name in ("404.html", "genindex.html", "search.html"):
        assert not _page(editions, name).xpath("//p[@class='report-error']"), name
    assert _page(editions, "people.html").xpath("//p[@class='report-error']")


def test_editorial_titles_start_where_their_text_does(editions: Layout) -> None:
    _browser()
    from playwright.sync_api import sync_playwright

    offsets = """() => Array.from(document.querySelectorAll(".admonition.editorial")).map(box => {
      const start = (element) => { const range = document.createRange(); range.selectNodeContents(element);
        return range.getClientRects()[0].left; };
      return start(box.querySelector(".admonition-title")) - start(box.querySelector("p:not(.admonition-title)"));
    })"""
    with validators.served(editions.build / "html", site_prefix(PROJECT_ROOT)) as origin, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(validators.CHROMIUM), args=validators.CHROMIUM_FLAGS)
        page = browser.new_page()
        page.goto(origin + "index.html")
        gaps = page.evaluate(offsets)
        browser.close()
    assert gaps
    assert all(abs(gap) < 2 for gap in gaps), gaps


def test_each_agreement_s_cited_in_and_bibtex_stand_under_its_text(editions: Layout) -> None:
    _browser()
    from playwright.sync_api import sync_playwright

    # For every entry: how far each block after the label starts left of the entry's text (px).
    offsets = """() => Array.from(document.querySelectorAll("div.citation")).map(entry => {
      const text = entry.querySelector(":scope > p").getBoundingClientRect().left;
      return Array.from(entry.querySelectorAll(":scope > :not(.label)"))
        .map(block => text - block.getBoundingClientRect().left);
    })"""
    with validators.served(editions.build / "html", site_prefix(PROJECT_ROOT)) as origin, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(validators.CHROMIUM), args=validators.CHROMIUM_FLAGS)
        gaps = []
        for width in (390, 1280):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(origin + "agreements.html")
            gaps += page.evaluate(offsets)
            page.close()
        browser.close()
    assert len(gaps) == 2 * len(_page(editions, "agreements.html").xpath("//div[@class='citation']"))
    assert all(len(entry) >= 3 for entry in gaps), gaps  # the text, "Cited in", its list (and the BibTeX)
    assert all(gap < 1 for entry in gaps for gap in entry), gaps


LAYOUT_FACTS = """() => {
  const textLeft = (element) => { const range = document.createRange(); range.selectNodeContents(element);
    return range.getClientRects()[0].left; };
  const h1 = document.querySelector("article h1");
  const link = h1 && h1.querySelector("a.headerlink");
  const events = Array.from(document.querySelectorAll("section.glossary-entry.event"));
  return {
    titleLinkShown: Boolean(link && link.getClientRects().length),
    titleLines: h1 ? Math.round(h1.getBoundingClientRect().height / parseFloat(getComputedStyle(h1).lineHeight)) : 0,
    titleWords: h1 ? h1.textContent.replace("¶", "").trim().split(/\\s+/).length : 0,
    citeButtons: Array.from(document.querySelectorAll(".cite-control .cite-button"))
      .map(button => button.getBoundingClientRect().height),
    eventOffsets: events.map(entry => textLeft(entry.querySelector("h2")) - textLeft(entry.querySelector("dl dt"))),
    dateColours: events.map(entry => [getComputedStyle(entry.querySelector(".timeline-date")).color,
                                      getComputedStyle(entry.querySelector("h2")).color]),
  };
}"""
"""What the page's layout tests below read: the title's ¶ and lines, the Cite buttons' heights, the
timeline's headings against their fields, and its dates' colour against their heading's."""


def test_titles_buttons_and_timeline_entries_sit_as_a_reader_expects(editions: Layout) -> None:
    _browser()
    from playwright.sync_api import sync_playwright

    pages = ["organisations.html", "timeline.html", f"{REPORT_PAGES}index.html", f"{REPORT_PAGES}opening.html"]
    facts: dict[tuple[int, str], dict[str, Any]] = {}
    with validators.served(editions.build / "html", site_prefix(PROJECT_ROOT)) as origin, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(validators.CHROMIUM), args=validators.CHROMIUM_FLAGS)
        for width in (390, 1280):
            page = browser.new_page(viewport={"width": width, "height": 900})
            for name in pages:
                page.goto(origin + name)
                facts[width, name] = page.evaluate(LAYOUT_FACTS)
            page.close()
        browser.close()
    for (width, name), found in facts.items():
        # The title's ¶ (shown on hover) takes no line of its own on a phone: a one-word title is one line.
        assert found["titleLinkShown"] == (width > 390), (width, name)
        if found["titleWords"] == 1:
            assert found["titleLines"] == 1, (width, name)
        # Each paragraph's Cite button is a touch target of at least 24 px.
        assert all(height >= 24 for height in found["citeButtons"]), (width, name)
    timeline = [facts[width, "timeline.html"] for width in (390, 1280)]
    # Each event's heading starts where its fields do, and its date is in the text's colour, not a link's.
    assert all(abs(offset) < 1 for found in timeline for offset in found["eventOffsets"]), timeline
    assert all(date == heading for found in timeline for date, heading in found["dateColours"]), timeline
    # A report's own paragraphs have Cite buttons; its landing page holds the editors' words alone.
    assert all(found["citeButtons"] for (width, name), found in facts.items() if name == f"{REPORT_PAGES}opening.html")
    assert not any(
        found["citeButtons"] for (width, name), found in facts.items() if name == f"{REPORT_PAGES}index.html"
    )


def test_a_paragraph_s_link_in_a_card_goes_to_the_paragraph_not_the_card_s_page(editions: Layout) -> None:
    _browser()
    from playwright.sync_api import sync_playwright

    with validators.served(editions.build / "html", site_prefix(PROJECT_ROOT)) as origin, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(validators.CHROMIUM), args=validators.CHROMIUM_FLAGS)
        for width in (390, 1280):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(origin + f"{REPORT_PAGES}index.html")
            # The cards are the editors' words: a ¶ link each, no Cite button (it gives the report's reference).
            assert page.locator(".sd-card .cite-button").count() == 0
            links = page.locator(".sd-card .cite-control .paragraph-link")
            assert links.count() >= 1
            anchor = links.first.get_attribute("href")
            links.first.click(timeout=5000)  # Playwright fails the click if the card's link lies over the ¶
            assert page.url == origin + f"{REPORT_PAGES}index.html{anchor}"
            page.close()
        browser.close()
