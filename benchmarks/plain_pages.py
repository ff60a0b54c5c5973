"""Our generated pages as plain MyST, so that the plain-Sphinx baseline builds the same pages.

Plain Sphinx has no directive that writes a glossary from data: a plain project that shows the
people, the organisations, the agreements, the timeline and the open data's dictionary holds their
text. Each such page is taken from our HTML build of the same archive and written as the MyST a
person would write for it: headings, paragraphs, bullet lists, definition lists, links, emphasis,
literals and code blocks.

Where the conversion has a choice, it takes the form that costs plain Sphinx less, so that the
baseline is never slowed by it:

- a field list (a glossary entry's "Name", "In the reports", ...) becomes its label in bold and
  its body; MyST's own field lists cost plain Sphinx about 5 % more on the one-report site;
- a link to another page of the baseline points at that page, without the anchor (a paragraph's
  ``p4`` exists only in ours); a link inside the page, or to a file the baseline lacks (the data
  files, a download), becomes its text;
- the page's furniture (heading links, buttons, the "Report an error" link) is left out.
"""

from __future__ import annotations

import re
from collections.abc import Set
from html.parser import HTMLParser

BLOCKS = {"p", "div", "section", "details", "summary", "blockquote", "dl"}
"""Elements that end the paragraph being collected when they open or close."""
SKIPPED_CLASSES = {"headerlink", "report-error", "colon"}
"""Classes of elements whose text is furniture, not the page's content."""
SKIPPED_TAGS = {"script", "style", "button", "template", "img"}
VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
"""Elements that have no end tag."""
ESCAPED = re.compile(r"([\\`*_\[\]<>{}|])")
"""Characters MyST would read as markup in a text."""
LINE_START = re.compile(r"^(?:(?P<mark>[%#>+\-=:~])|(?P<number>\d+)(?P<dot>[.)])(?=\s|$))")
"""What MyST would read as markup at the start of a line: a comment, a heading, a quote, a list, a fence."""


def _line_start_escaped(found: re.Match[str]) -> str:
    r"""The mark escaped (``\%``), or an ordered list's dot (``1\.``)."""
    if found["mark"]:
        return "\\" + found["mark"]
    return found["number"] + "\\" + found["dot"]


HIGHLIGHT = re.compile(r"\bhighlight-([\w-]+)")


class MystWriter(HTMLParser):
    """The ``<article>`` of one page of Sphinx's HTML, written as MyST lines."""

    def __init__(self, pages: Set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.pages = pages  # the baseline's documents ("people", "reports/x/index"): links kept to these
        self.lines: list[str] = []
        self.inline: list[str] = []
        self.indents: list[str] = [""]
        self.marker: str | None = None  # a list item's or a definition's first-line prefix
        self.heading = 0
        self.links: list[tuple[int, str]] = []  # (where the text's "[" is in `inline`, target or "")
        self.skipping: list[str] = []  # the open skipped element's tag, once per nesting
        self.lists: list[str] = []
        self.definitions: list[str] = []  # per open <dl>: "label" (a field list) or "term"
        self.code = 0
        self.pre: list[str] | None = None
        self.language = ""
        self.in_article = False

    # -- Output --------------------------------------------------------------------------------

    def flush(self, blank: bool = True) -> None:
        """The inline text collected so far, as one line (a paragraph, a heading, an item's first line)."""
        # A link still open here holds a block: its text stands without the link.
        for number, (start, target) in enumerate(self.links):
            if 0 <= start < len(self.inline) and self.inline[start] == "[":
                self.inline[start] = ""
            self.links[number] = (-1, target)
        text = re.sub(r"\s+", " ", "".join(self.inline)).strip()
        self.inline = []
        if not text:
            return
        if self.heading:
            self.lines += ["#" * self.heading + " " + text, ""]
            return
        prefix, self.marker = (self.marker if self.marker is not None else self.indents[-1]), None
        self.lines.append(prefix + LINE_START.sub(_line_start_escaped, text))
        if blank:
            self.lines.append("")

    def text(self) -> str:
        """The page as MyST."""
        self.flush()
        return re.sub(r"\n{3,}", "\n\n", "\n".join(self.lines)).strip() + "\n"

    # -- Elements ------------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """An element opens: the article's start, furniture to skip, a code block's language, or content."""
        attributes = dict(attrs)
        classes = set((attributes.get("class") or "").split())
        if tag == "article":
            self.in_article = True
        elif not self.in_article:
            return
        elif self.skipping or tag in SKIPPED_TAGS or classes & SKIPPED_CLASSES:
            self.skipping += [] if tag in VOID else [tag]
        elif self.pre is not None:
            return
        elif highlight := HIGHLIGHT.search(attributes.get("class") or ""):
            self.flush()
            self.language = highlight.group(1)
        else:
            self.opened(tag, attributes, classes)

    def opened(self, tag: str, attributes: dict[str, str | None], classes: set[str]) -> None:
        """An element of the content opens."""
        if re.fullmatch(r"h[1-6]", tag):
            self.flush()
            self.heading = int(tag[1])
        elif tag in BLOCKS:
            self.flush()
            if tag == "dl":
                self.definitions.append("label" if "field-list" in classes else "term")
        elif tag in ("ul", "ol"):
            self.flush()
            self.lists.append(tag)
        elif tag == "li":
            self.open_item("- " if not self.lists or self.lists[-1] == "ul" else "1. ")
        elif tag == "dt":
            self.flush()
            self.inline.append("**" if self.labels() else "")
        elif tag == "dd":
            self.flush(blank=not self.labels())
            self.open_item("" if self.labels() else ": ")
        elif tag == "pre":
            self.flush()
            self.pre = []
        elif tag == "a":
            self.links.append((len(self.inline), self.target(attributes.get("href") or "")))
            self.inline.append("[")
        elif tag in ("strong", "b", "em", "i", "code"):
            self.inline.append({"strong": "**", "b": "**", "code": "`"}.get(tag, "*"))
            self.code += tag == "code"

    def handle_endtag(self, tag: str) -> None:
        """An element closes."""
        if not self.in_article:
            return
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
        elif tag == "article":
            self.flush()
            self.in_article = False
        elif tag == "pre" and self.pre is not None:
            self.close_code_block()
        elif self.pre is None:
            self.closed(tag)

    def closed(self, tag: str) -> None:
        """An element of the content closes."""
        if re.fullmatch(r"h[1-6]", tag):
            self.flush()
            self.heading = 0
        elif tag in BLOCKS:
            self.flush()
            if tag == "dl" and self.definitions:
                self.definitions.pop()
        elif tag in ("ul", "ol"):
            self.flush()
            if self.lists:
                self.lists.pop()
        elif tag in ("li", "dd"):
            self.flush()
            self.marker = None
            if len(self.indents) > 1:
                self.indents.pop()
        elif tag == "dt":
            self.inline.append(":**" if self.labels() else "")
            self.flush(blank=False)
        elif tag == "a" and self.links:
            self.close_link()
        elif tag in ("strong", "b", "em", "i", "code"):
            self.inline.append({"strong": "**", "b": "**", "code": "`"}.get(tag, "*"))
            self.code -= tag == "code"

    def handle_data(self, data: str) -> None:
        """Text: as it is in a code block or a literal, else with MyST's markup characters escaped."""
        if not self.in_article or self.skipping:
            return
        if self.pre is not None:
            self.pre.append(data)
        else:
            self.inline.append(data if self.code else ESCAPED.sub(r"\\\1", data))

    # -- Helpers -------------------------------------------------------------------------------

    def labels(self) -> bool:
        """Whether the innermost open definition list is a field list (written as bold labels)."""
        return bool(self.definitions) and self.definitions[-1] == "label"

    def open_item(self, marker: str) -> None:
        """A list item or a definition: its first line takes ``marker``, the next ones its width."""
        self.flush()
        self.marker = self.indents[-1] + marker
        self.indents.append(self.indents[-1] + " " * len(marker))

    def target(self, href: str) -> str:
        """Where a link of the baseline points: a page of it (``people.md``), a URL, or nowhere ("")."""
        if re.match(r"[a-z]+:", href):
            return href
        path = href.split("#", 1)[0]
        document = path.removesuffix(".html")
        return f"{document}.md" if path.endswith(".html") and document in self.pages else ""

    def close_link(self) -> None:
        """A link closes: ``[text](target)``, or the text alone where the baseline has no target."""
        start, target = self.links.pop()
        opened = 0 <= start < len(self.inline) and self.inline[start] == "["
        if target and opened:
            self.inline.append(f"]({target})")
        elif opened:  # no target: the text alone
            self.inline[start] = ""
        # else a block within the link ended its paragraph: its text stands without the link

    def close_code_block(self) -> None:
        """A ``<pre>`` closes: a fenced code block in its language (Sphinx's ``highlight-…`` class)."""
        code = "".join(self.pre or []).strip("\n")
        indent = self.indents[-1]
        fence = f"{indent}```{self.language}"
        self.lines += [fence, *(indent + line for line in code.splitlines()), f"{indent}```", ""]
        self.pre, self.language = None, ""


def page_as_myst(html: str, pages: Set[str]) -> str:
    """The content of a page of our HTML build as plain MyST; links kept to the baseline's ``pages``."""
    writer = MystWriter(pages)
    writer.feed(html)
    writer.close()
    return writer.text()
