"""What a reader sees: the rendered pages checked in Chromium, on a phone and a desktop, light and dark.

Validators judge markup; these checks judge the page as laid out:

- nothing scrolls sideways: neither the document nor any box in it (the main column, a table);
- no text is clipped: every visible word lies inside the viewport's width, and no box that
  hides its overflow hides text;
- two mentions side by side never run together: a visible gap between them where they share a line;
- every card (a mention's, a citation's) opened by keyboard focus, and by hover (desktop) or tap (phone),
  shows, lies inside the viewport, and touches the line box of the mention that opened it, for
  every line box of a mention that wraps;
- one title per page (:func:`title_problems`, from the files alone): the sidebar, the lists of
  pages and the previous/next links name each page by its heading.

Each function returns readable problems; an empty list means the reader meets none. The browser
is Debian's Chromium driven by Playwright (see :mod:`.validators`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from lxml import html as lxml_html

from .links import link_target
from .validators import CHROMIUM, CHROMIUM_FLAGS, served

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

#: A common phone's width, and a laptop's.
VIEWPORTS: dict[str, ViewportSize] = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
SCHEMES: tuple[Literal["light"], Literal["dark"]] = ("light", "dark")
#: Sub-pixel layout: edges within this many pixels touch (or stay inside).
TOLERANCE = 1.5

LAYOUT = """() => {
  const problems = [];
  const root = document.documentElement;
  const width = root.clientWidth;
  const name = (element) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "") +
    Array.from(element.classList).slice(0, 3).map((c) => "." + c).join("");
  if (root.scrollWidth > width + 1) {
    problems.push(`the page scrolls sideways (${root.scrollWidth} px wide in a ${width} px viewport)`);
  }
  // Text for screen readers only sits in a box of 1 px (the "visually hidden" pattern).
  const screenReaderOnly = (element) => {
    for (let box = element; box; box = box.parentElement) {
      const size = box.getBoundingClientRect();
      if (size.width <= 1 || size.height <= 1) return getComputedStyle(box).display !== "contents";
    }
    return false;
  };
  const shown = (element) => element.checkVisibility({ visibilityProperty: true, opacityProperty: true })
    && !screenReaderOnly(element);
  for (const element of document.body.querySelectorAll("*")) {
    if (!element.textContent.trim() || !shown(element)) continue;
    const style = getComputedStyle(element);
    if (style.overflowX !== "visible" && element.scrollWidth > element.clientWidth + 1) {
      problems.push(
        `${name(element)} scrolls or clips sideways (${element.scrollWidth} px in ${element.clientWidth} px)`);
    }
    if (["hidden", "clip"].includes(style.overflowY) && element.scrollHeight > element.clientHeight + 1
        && element.clientHeight > 1) {
      problems.push(`${name(element)} clips its text (${element.scrollHeight} px tall in ${element.clientHeight} px)`);
    }
  }
  // Two linked names side by side ("... of Korea Lee Sang Don") read as two: a visible gap
  // between their underlined boxes where they share a line.
  for (const mention of document.querySelectorAll(".mention")) {
    const between = mention.nextSibling;
    const next = between && between.nextSibling;
    if (!between || between.nodeType !== Node.TEXT_NODE || between.data.trim() || !next || !next.matches
        || !next.matches(".mention")) continue;
    const left = Array.from(mention.querySelector("a").getClientRects()).pop();
    const right = next.querySelector("a").getClientRects()[0];
    const fontSize = parseFloat(getComputedStyle(mention).fontSize);
    if (left && right && Math.abs(left.top - right.top) < 1 && right.left - left.right < 0.3 * fontSize) {
      problems.push(`"${mention.textContent.trim().slice(0, 30)}" and "${next.textContent.trim().slice(0, 30)}"`
        + ` run together (${(right.left - left.right).toFixed(1)} px apart)`);
    }
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  while (walker.nextNode()) {
    const text = walker.currentNode;
    if (!text.data.trim() || !shown(text.parentElement)) continue;
    range.selectNodeContents(text);
    // Cut by an edge of the viewport. (Text wholly beyond it is in a closed off-canvas drawer,
    // or makes the page scroll sideways, which is found above.)
    const outside = Array.from(range.getClientRects()).find(
      (box) => box.width > 1 && ((box.left < -1 && box.right > 1) || (box.left < width - 1 && box.right > width + 1)));
    if (outside) {
      problems.push(`text "${text.data.trim().slice(0, 40)}" in ${name(text.parentElement)} runs outside the `
        + `viewport (${Math.round(outside.left)}..${Math.round(outside.right)} px of ${width})`);
    }
  }
  return problems;
}"""

#: Scroll a mention into view; its link's line boxes, in viewport coordinates.
LINE_BOXES = """index => {
  const link = document.querySelectorAll(".mention")[index].querySelector("a");
  link.scrollIntoView({ block: "center", inline: "nearest", behavior: "instant" });
  return Array.from(link.getClientRects()).filter((box) => box.width > 0.5 && box.height > 0.5)
    .map((box) => ({ left: box.left, top: box.top, right: box.right, bottom: box.bottom }));
}"""

#: The card of a mention as shown now: null when it does not show.
CARD = r"""index => {
  const mention = document.querySelectorAll(".mention")[index];
  const card = mention.querySelector(".mention-card");
  if (!card || !card.checkVisibility({ visibilityProperty: true, opacityProperty: true })) return null;
  const box = card.getBoundingClientRect();
  return { left: box.left, top: box.top, right: box.right, bottom: box.bottom,
           overflow: card.scrollWidth > card.clientWidth + 1 || card.scrollHeight > card.clientHeight + 1,
           width: document.documentElement.clientWidth, height: document.documentElement.clientHeight,
           text: mention.querySelector("a").textContent.replace(/\s+/g, " ").trim() };
}"""

FOCUS = """index => document.querySelectorAll(".mention")[index].querySelector("a").focus()"""
BLUR = """() => document.activeElement && document.activeElement.blur()"""


@dataclass
class ReaderReport:
    """What the checks found, and how much they covered (a check that covered nothing proves nothing)."""

    problems: list[str] = field(default_factory=list)
    cards_opened: int = 0
    wrapped_mentions: set[str] = field(default_factory=set)


Box = dict[str, float]


def card_fault(card: Box | None, boxes: list[Box]) -> str | None:
    """Why a card is misplaced against the line boxes that may have opened it (None: it is not)."""
    if card is None:
        return "does not show"
    if (
        card["left"] < -TOLERANCE
        or card["top"] < -TOLERANCE
        or card["right"] > card["width"] + TOLERANCE
        or card["bottom"] > card["height"] + TOLERANCE
    ):
        return (
            f"lies outside the {card['width']:.0f}×{card['height']:.0f} viewport "
            f"({card['left']:.0f},{card['top']:.0f} to {card['right']:.0f},{card['bottom']:.0f})"
        )
    if card.get("overflow"):
        return "does not hold its text (it runs past the card's edge)"
    for box in boxes:
        overlaps = card["left"] < box["right"] and card["right"] > box["left"]
        below = abs(card["top"] - box["bottom"]) <= TOLERANCE
        above = abs(card["bottom"] - box["top"]) <= TOLERANCE
        if overlaps and (below or above):
            return None
    return f"does not touch the line box that opened it (card at {card['left']:.0f},{card['top']:.0f})"


def _open(page: Page, action: str, x: float, y: float) -> None:
    """Open a card as a reader does: the pointer onto a line of the mention, or a finger."""
    if action == "tap":
        page.touchscreen.tap(x, y)
    else:
        page.mouse.move(x, y)


def _close(page: Page) -> None:
    """Close it as a reader would, and leave nothing hovered or focused."""
    page.keyboard.press("Escape")
    page.evaluate(BLUR)
    page.mouse.move(0, 0)


def check_cards(page: Page, touch: bool, report: ReaderReport, where: str) -> None:
    """Open every card of the page by keyboard focus, and by tap (a phone) or hover (a desktop).

    A touch screen has no hover: Chromium, like a phone, gives no reliable hover after a touch.
    """
    actions = ("tap",) if touch else ("hover",)
    for index in range(page.evaluate("document.querySelectorAll('.mention').length")):
        boxes: list[Box] = page.evaluate(LINE_BOXES, index)
        if not boxes:
            report.problems.append(f"{where}: mention {index} has no line box")
            continue
        for number, box in enumerate(boxes, 1):
            for action in actions:
                _open(page, action, (box["left"] + box["right"]) / 2, (box["top"] + box["bottom"]) / 2)
                card = page.evaluate(CARD, index)
                fault = card_fault(card, [box])
                name = card["text"] if card else f"mention {index}"
                if fault:
                    report.problems.append(f"{where}: the card of '{name}' opened by {action} on line {number} {fault}")
                report.cards_opened += 1
                if len(boxes) > 1 and card:
                    report.wrapped_mentions.add(f"{where}: {name}")
                _close(page)
        page.evaluate(FOCUS, index)
        fault = card_fault(page.evaluate(CARD, index), boxes)
        if fault:
            report.problems.append(f"{where}: the card of mention {index} opened by focus {fault}")
        report.cards_opened += 1
        page.evaluate(BLUR)


def reader_check(site: Path, pages: list[str], prefix: str = "/") -> ReaderReport:
    """Every page, on a phone and a desktop, light and dark: layout, then every card."""
    from playwright.sync_api import sync_playwright

    report = ReaderReport()
    with served(site, prefix) as origin, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        for device, viewport in VIEWPORTS.items():
            touch = device == "phone"
            for scheme in SCHEMES:
                context = browser.new_context(viewport=viewport, color_scheme=scheme, is_mobile=touch, has_touch=touch)
                page = context.new_page()
                for name in pages:
                    where = f"{name} [{device}, {scheme}]"
                    page.goto(origin + name, wait_until="load")
                    report.problems += [f"{where}: {problem}" for problem in page.evaluate(LAYOUT)]
                    check_cards(page, touch, report, where)
                context.close()
        browser.close()
    return report


#: Where a page names other pages, each naming a page by its title: the sidebar, a toctree's list,
#: the previous/next links, and sphinx-design's cards (their title names the page they link).
TITLE_PLACES = {
    "the sidebar": "//div[contains(@class, 'sidebar-tree')]//a[contains(@class, 'reference')]",
    "a list of pages": "//article//div[contains(@class, 'toctree-wrapper')]//a[contains(@class, 'reference')]",
    "the previous/next links": "//div[contains(@class, 'related-pages')]//a[@href]",
    "a card": "//article//div[contains(@class, 'sd-card')][.//a[contains(@class, 'sd-stretched-link')]]",
}


def _words(text: str) -> str:
    return " ".join(text.split())


def page_heading(document: lxml_html.HtmlElement) -> str | None:
    """The page's own title: its first heading, without the permalink sign."""
    headings = document.xpath("//article//h1")
    if not headings:
        return None
    heading = lxml_html.fromstring(lxml_html.tostring(headings[0]))
    for permalink in heading.xpath(".//a[contains(@class, 'headerlink')]"):
        permalink.drop_tree()
    return _words(heading.text_content())


def _named(place: str, element: lxml_html.HtmlElement) -> tuple[str, str]:
    """(the link's target, the title it gives) for one place that names a page."""
    if place == "a card":
        href = element.xpath(".//a[contains(@class, 'sd-stretched-link')]/@href")[0]
        return href, _words("".join(element.xpath(".//*[contains(@class, 'sd-card-title')]//text()")))
    if place == "the previous/next links":
        return element.get("href"), _words("".join(element.xpath(".//div[@class='title']//text()")))
    return element.get("href"), _words(element.text_content())


def title_problems(site: Path, prefix: str = "/") -> list[str]:
    """Every place where a page is named otherwise than by its own heading."""
    documents = {
        path.relative_to(site).as_posix(): lxml_html.fromstring(path.read_bytes()) for path in site.rglob("*.html")
    }
    headings = {name: page_heading(document) for name, document in documents.items()}
    problems = []
    for name, document in sorted(documents.items()):
        for place, xpath in TITLE_PLACES.items():
            for element in document.xpath(xpath):
                href, title = _named(place, element)
                parts = urlsplit(href or "")
                if parts.scheme or parts.fragment:
                    continue  # another site, or a section of a page rather than the page
                target = link_target(name, parts.path, prefix)
                heading = headings.get(target or "")
                if heading is not None and title != heading:
                    problems.append(f"{name}: {place} names {target} '{title}', but its heading is '{heading}'")
    return problems
