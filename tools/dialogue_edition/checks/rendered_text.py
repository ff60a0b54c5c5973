"""The text a reader sees of one report, in reading order, from the HTML site or the EPUB.

Used by the fidelity check: page furniture (permalink signs, navigation) is left out, and block
elements are separated so that the end of one paragraph never runs into the next.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from ..page_furniture import FURNITURE_CLASSES, drop, with_any_class

BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "li", "dt", "dd", "div", "section", "td", "th"}
FURNITURE = with_any_class(FURNITURE_CLASSES, axis="//")
"""Every element of the page furniture in a document (``page_furniture``)."""


def element_text(element: lxml_html.HtmlElement) -> str:
    """Text of ``element`` as it reads, one line per block: no permalink signs, no mention cards."""
    drop(element)
    for block in element.iter():
        if isinstance(block.tag, str) and etree.QName(block).localname in BLOCK_TAGS:
            block.tail = "\n" + (block.tail or "")
    return str(element.text_content())


KINDS = {"h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading", "h6": "heading"}


def kinded_blocks(element: lxml_html.HtmlElement) -> list[tuple[str, str]]:
    """(kind, text) of every heading, caption and paragraph in ``element``, in order.

    A paragraph inside a figure's caption is the caption; call after :func:`element_text`, which
    has taken the page furniture out.
    """
    blocks = []
    for block in element.iter():
        if not isinstance(block.tag, str):
            continue
        name = etree.QName(block).localname
        if name in KINDS:
            blocks.append((KINDS[name], block.text_content()))
        elif name == "figcaption":
            blocks.append(("caption", block.text_content()))
        elif name == "p" and not any(etree.QName(a).localname == "figcaption" for a in block.iterancestors()):
            blocks.append(("paragraph", block.text_content()))
    return blocks


def _html_report_articles(site: Path, slug: str) -> list[lxml_html.HtmlElement]:
    """The main article of each of the report's pages, in the site's reading order (``rel=next``)."""
    folder = f"reports/{slug}/"
    page, articles, seen = f"{folder}index.html", [], set()
    while page.startswith(folder) and page not in seen:
        seen.add(page)
        document = lxml_html.fromstring((site / page).read_bytes())
        articles.append(document.xpath("//article[@role='main']")[0])
        following = document.xpath("//link[@rel='next']/@href")
        if not following:
            break
        page = posixpath.normpath(posixpath.join(posixpath.dirname(page), following[0].split("#")[0]))
    return articles


def html_report_text(site: Path, slug: str) -> str:
    """The report's pages in the site's reading order (following each page's ``rel=next``)."""
    return "\n".join(element_text(article) for article in _html_report_articles(site, slug))


def html_report_blocks(site: Path, slug: str) -> tuple[str, list[tuple[str, str]]]:
    """The report's text in the site, and its blocks with their kinds (see :func:`kinded_blocks`)."""
    return _text_and_blocks(_html_report_articles(site, slug))


def epub_spine(archive: zipfile.ZipFile) -> list[str]:
    """The EPUB's content documents in reading (spine) order, as paths inside the archive."""
    container = etree.fromstring(archive.read("META-INF/container.xml"))
    opf_path = container.xpath("//*[local-name()='rootfile']/@full-path")[0]
    opf = etree.fromstring(archive.read(opf_path))
    manifest = {item.get("id"): item.get("href") for item in opf.xpath("//*[local-name()='item']")}
    base = posixpath.dirname(opf_path)
    return [posixpath.join(base, manifest[ref]) for ref in opf.xpath("//*[local-name()='itemref']/@idref")]


def _epub_report_bodies(epub: Path, slug: str) -> list[lxml_html.HtmlElement]:
    with zipfile.ZipFile(epub) as archive:
        documents = [name for name in epub_spine(archive) if name.startswith(f"reports/{slug}/")]
        return [lxml_html.fromstring(archive.read(name)).xpath("//body")[0] for name in documents]


def epub_report_text(epub: Path, slug: str) -> str:
    """The report's documents of an EPUB, in spine order."""
    return "\n".join(element_text(body) for body in _epub_report_bodies(epub, slug))


def epub_report_blocks(epub: Path, slug: str) -> tuple[str, list[tuple[str, str]]]:
    """The report's text in an EPUB, and its blocks with their kinds."""
    return _text_and_blocks(_epub_report_bodies(epub, slug))


def _text_and_blocks(parts: list[lxml_html.HtmlElement]) -> tuple[str, list[tuple[str, str]]]:
    """The text of a report's pages (or documents) in order, and their blocks with their kinds."""
    return "\n".join(element_text(part) for part in parts), [block for part in parts for block in kinded_blocks(part)]
