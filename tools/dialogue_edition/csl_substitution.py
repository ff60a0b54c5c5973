"""CSL substitution as CSL 1.0.2 specifies it, for the CSL processor citeproc-py 0.11.1.

The reports name no author, so every style falls back on ``cs:substitute``: the first element of
it that renders something (here the edition's editors, or else the title) takes the author's place.
CSL 1.0.2 (`cs:substitute <https://docs.citationstyles.org/en/v1.0.2/specification.html#substitute>`_)
then says: "Substituted variables are suppressed in the rest of the output to prevent duplication."

citeproc-py 0.11.1 gets this wrong in three ways (its issue #91,
https://github.com/citeproc-py/citeproc-py/issues/91), and Chicago, APA and MLA printed the editors
twice ("Editors, “Title”, in Edition, ed. Editors (...)"):

* it records a substitution as the ``variable`` attribute of the substitute's child, so nothing is
  recorded when that child is a ``cs:choose`` (Chicago's editors) or a ``cs:text macro`` (MLA's
  and APA's title);
* only ``cs:text variable`` checks the record (``Text._variable``); ``cs:names`` never does, so
  editors rendered again through a later macro are printed again;
* a short ``<names variable="editor"/>`` inherits the name and label options of the names element
  it substitutes for only when it is a direct child of ``cs:substitute``, not inside a
  ``cs:choose`` (Chicago lost its "ed." label).

The classes below correct exactly that, by subclassing citeproc-py's ``Names``, ``Text`` and
``Substitute``; ``substituting_style`` parses a style with them. Nothing of citeproc-py is patched:
only styles loaded through ``substituting_style`` use them. A substitute records every variable
rendered while its chosen child renders (through macros and choices too) and suppresses each for the
rest of the item, as citeproc-js, the reference implementation, does. Dates and numbers are not
recorded (no style substitutes them for an author).

Two more of citeproc-py's departures from citeproc-js are corrected the same way: a label's
``text-case`` (``Label``: APA's "(Ed.)"), and title case's small words (``TITLE_CASE_STOP_WORDS``).

``Names.process`` is citeproc-py 0.11.1's own, with the suppression and the record added; the tests
fail if another citeproc-py version is installed (``CITEPROC_PY_VERSION``), so that an upgrade is
checked against this module (and this module dropped once citeproc-py fixes issue #91) instead of
silently changing the references.
"""

from __future__ import annotations

from citeproc import model
from citeproc.frontend import CitationStylesStyle
from citeproc.source import CitationItem, VariableError
from lxml import etree

CITEPROC_PY_VERSION = "0.11.1"
"""The citeproc-py version whose ``Names``, ``Text`` and ``Substitute`` these classes correct."""

CSL_NAMESPACE = "http://purl.org/net/xbiblio/csl"
TEXT_TAG = f"{{{CSL_NAMESPACE}}}text"
NAMES_TAG = f"{{{CSL_NAMESPACE}}}names"


_LAYOUTS: dict[model.CitationStylesElement, model.CitationStylesElement | None] = {}
"""Each element's layout, once looked up. A style's tree never changes once parsed. The elements
are the keys, so their lxml proxies stay alive and lxml hands out the same proxy for the same
element (a proxy that died could have its id, and so its hash, reused by another)."""


def _layout(context: model.CitationStylesElement) -> model.CitationStylesElement | None:
    """The ``cs:layout`` an element renders for (``context`` is the element a macro is called from)."""
    if context not in _LAYOUTS:
        found = context.xpath_search("./ancestor-or-self::cs:layout[1]")
        _LAYOUTS[context] = found[0] if found else None
    return _LAYOUTS[context]


def _record(context: model.CitationStylesElement, variable: str) -> None:
    """Note that ``variable`` was rendered, for every substitution under way in the layout."""
    layout = _layout(context)
    records = layout.__dict__.get("substitution_records") if layout is not None else None
    for record in records or ():
        record.append(variable)


def _suppressed(context: model.CitationStylesElement, tag: str) -> list[str]:
    """The variables a substitution has suppressed for the rest of the item."""
    layout = _layout(context)
    repressed = layout.__dict__.get("repressed") if layout is not None else None
    return list((repressed or {}).get(tag, ()))


class Substitute(model.Substitute):  # type: ignore[misc]  # citeproc-py is untyped (see pyproject.toml)
    """``cs:substitute`` that suppresses every variable its chosen child rendered, for the rest of the item."""

    def render(
        self, item: CitationItem, context: model.CitationStylesElement | None = None, **kwargs: object
    ) -> object:
        """The first child that renders, its variables suppressed for the rest of the item."""
        layout = _layout(context if context is not None else self)
        if layout is not None and "substitution_records" not in layout.__dict__:
            layout.substitution_records = []
        for child in self.getchildren():
            rendered: list[str] = []
            if layout is not None:
                layout.substitution_records.append(rendered)
            try:
                text = child.render(item, context=context, **kwargs)
            except VariableError:
                continue
            finally:
                if layout is not None:
                    layout.substitution_records.remove(rendered)
            if text:
                if layout is not None:
                    repressed = layout.__dict__.setdefault("repressed", {})
                    for tag in (TEXT_TAG, NAMES_TAG):
                        repressed.setdefault(tag, []).extend(rendered)
                return text
        return None


TITLE_CASE_STOP_WORDS = frozenset(
    [
        "about",
        "above",
        "across",
        "afore",
        "after",
        "against",
        "al",
        "along",
        "alongside",
        "amid",
        "amidst",
        "among",
        "amongst",
        "anenst",
        "apropos",
        "apud",
        "around",
        "as",
        "aside",
        "astride",
        "at",
        "athwart",
        "atop",
        "barring",
        "before",
        "behind",
        "below",
        "beneath",
        "beside",
        "besides",
        "between",
        "beyond",
        "but",
        "by",
        "circa",
        "despite",
        "down",
        "during",
        "et",
        "except",
        "for",
        "forenenst",
        "from",
        "given",
        "in",
        "inside",
        "into",
        "lest",
        "like",
        "modulo",
        "near",
        "next",
        "notwithstanding",
        "of",
        "off",
        "on",
        "onto",
        "out",
        "over",
        "per",
        "plus",
        "pro",
        "qua",
        "sans",
        "since",
        "than",
        "through",
        "thru",
        "throughout",
        "till",
        "to",
        "toward",
        "towards",
        "under",
        "underneath",
        "until",
        "unto",
        "up",
        "upon",
        "versus",
        "vs.",
        "v.",
        "vs",
        "v",
        "via",
        "vis-à-vis",
        "with",
        "within",
        "without",
        "or",
        "yet",
        "so",
        "and",
        "nor",
        "a",
        "an",
        "the",
        "de",
        "d'",
        "von",
        "van",
        "c",
        "ca",
    ]
)
"""The words title case leaves in lower case: citeproc-js's (its ``CSL.SKIP_WORDS``, one-word
entries, but its misspelling of "throughout", which the spell check refuses), as Chicago
lowercases prepositions whatever their length ("Relations between Russia"). citeproc-py's own
list (CSL 1.0.2's) is shorter and capitalised "Between"."""


class Text(model.Text):  # type: ignore[misc]  # citeproc-py is untyped (see pyproject.toml)
    """``cs:text`` whose rendered variables count as substituted when a substitute renders it.

    Its title case leaves :data:`TITLE_CASE_STOP_WORDS` in lower case, as citeproc-js does.
    """

    _stop_words = TITLE_CASE_STOP_WORDS

    def _variable(self, item: CitationItem, context: model.CitationStylesElement) -> object:
        text = super()._variable(item, context)
        if text:
            _record(context, self.get("variable"))
        return text

    # A style never changes once parsed, but citeproc-py looks a macro up with an XPath query each
    # time a cs:text calls it, and asks again and again whether it renders a variable: half of
    # its time on a site of 50 reports. Both answers are kept, by the style's file and the name.
    def get_macro(self, name: str) -> model.CitationStylesElement:
        """The style's macro of this name (looked up once per style)."""
        key = (self.getroottree().docinfo.URL, name)
        if key not in _MACROS:
            _MACROS[key] = super().get_macro(name)
        return _MACROS[key]

    def calls_variable(self) -> bool:
        """Whether this text renders a variable (for a macro: worked out once per style)."""
        if "macro" not in self.attrib:
            return bool(super().calls_variable())
        key = (self.getroottree().docinfo.URL, self.get("macro"))
        if key not in _MACRO_CALLS_VARIABLE:
            _MACRO_CALLS_VARIABLE[key] = bool(super().calls_variable())
        return _MACRO_CALLS_VARIABLE[key]


_MACROS: dict[tuple[str | None, str], model.CitationStylesElement] = {}
_MACRO_CALLS_VARIABLE: dict[tuple[str | None, str], bool] = {}


class Names(model.Names):  # type: ignore[misc]  # citeproc-py is untyped (see pyproject.toml)
    """``cs:names`` that leaves out substituted variables and inherits its substitute's options anywhere in it."""

    def _substituted_names(self) -> model.CitationStylesElement:
        """The names element a short ``cs:names`` (no ``cs:name``) in a substitute inherits its options from."""
        if self.name is not None:
            return self
        found = self.xpath_search("./ancestor::cs:substitute[1]/parent::cs:names[1]")
        return found[0] if found else self

    # citeproc-py 0.11.1's Names.process; changed: the names context, the roles a substitution
    # suppressed are left out, each role rendered is recorded.
    def process(
        self,
        item: CitationItem,
        names_context: model.CitationStylesElement | None = None,
        context: model.CitationStylesElement | None = None,
        **kwargs: object,
    ) -> object:
        """The names of the roles not yet substituted, else what the substitute renders."""
        if context is None:
            context = self
        if names_context is None:
            names_context = self._substituted_names()

        suppressed = _suppressed(context, NAMES_TAG)
        roles = [role for role in self.get("variable").split() if role not in suppressed]
        try:
            ed_trans = (
                set(roles) == {"editor", "translator"}
                and item.reference.editor == item.reference.translator
                and self.get_term("editortranslator").getchildren()
            )
            if ed_trans:
                roles = ["editor"]
        except VariableError:
            ed_trans = False

        output = []
        for role in roles:
            if role in item.reference:
                name_elem = names_context.name
                if name_elem is None:
                    name_elem = model.Name()
                    names_context.insert(0, name_elem)
                text = name_elem.render(item, role, context=context, **kwargs)
                plural = len(item.reference[role]) > 1
                try:
                    label_role = "editortranslator" if ed_trans else role
                    label_element = names_context.label
                    label = label_element.render(item, label_role, plural, **kwargs)
                    if label is not None:
                        text = label + text if label_element is names_context.getchildren()[0] else text + label
                except AttributeError:
                    pass
                output.append(text)
                if text:
                    _record(context, role)
                    if ed_trans:
                        _record(context, "translator")

        if output:
            try:
                total = sum(output)
            except TypeError:
                is_int = False
            else:
                is_int = isinstance(total, int)
            if is_int:
                return str(total) if total > 0 else None
            return self.join(output, self.get_parent_delimiter(context))
        substitute = self.substitute()
        if substitute is None:
            raise VariableError
        return substitute.render(item, context=context, **kwargs)


class Label(model.Label):  # type: ignore[misc]  # citeproc-py is untyped (see pyproject.toml)
    """``cs:label`` in title case where its ``text-case`` says so (APA's "(Ed.)", not "(ed.)").

    citeproc-py applies title case only to text it is told is English (CSL: title case is for
    English), and a label is never told: a label is a term of the style's locale, so its language
    is the locale's.
    """

    _stop_words = TITLE_CASE_STOP_WORDS

    def markup(self, text: object) -> object:
        """citeproc-py's ``Label.markup``, with the locale's language given to the case."""
        if not text:
            return None
        return self.wrap(self.format(self.case(self.strip_periods(text), language=_locale_language(self))))


_LANGUAGES: dict[model.CitationStylesElement, str] = {}
"""The language of the locale each style was parsed with (``en`` for ``en-US``), by its root."""


def _locale_language(element: model.CitationStylesElement) -> str:
    """The language of the locale the element's style was parsed with (``en`` for ``en-US``)."""
    return _LANGUAGES.get(element.get_root(), "")


CORRECTED = {"names": Names, "text": Text, "substitute": Substitute, "label": Label}
"""The CSL elements parsed with the classes above instead of citeproc-py's."""


class SubstitutingStyle(CitationStylesStyle):  # type: ignore[misc]  # citeproc-py is untyped (see pyproject.toml)
    """A CSL style whose ``cs:names``, ``cs:text`` and ``cs:substitute`` are the classes above.

    citeproc-py picks an element's class by its tag through the parser's class lookup (see its
    ``CitationStylesXML``); this style is parsed the same way, with the three classes swapped in,
    so no other style and no other element changes.
    """

    def __init__(self, path: str, locale: str | None = None) -> None:
        lookup = etree.ElementNamespaceClassLookup()
        namespace = lookup.get_namespace(CSL_NAMESPACE)
        namespace[None] = model.CitationStylesElement
        namespace.update(
            {cls.__name__.replace("_", "-").lower(): cls for cls in model.CitationStylesElement.__subclasses__()}
        )
        namespace.update(CORRECTED)
        self.parser = etree.XMLParser(remove_comments=True, encoding="UTF-8", no_network=True)
        self.parser.set_element_class_lookup(lookup)
        self.xml = etree.parse(path, self.parser)
        self.root = self.xml.getroot()
        chosen = locale or self.root.get("default-locale", "en-US")
        self.root.set_locale_list(chosen, validate=False)
        _LANGUAGES[self.root] = str(chosen).split("-")[0]
        self.root.locales = [RememberedTerms(element) for element in self.root.locales]


class RememberedTerms:
    """A locale whose terms are each looked up once.

    citeproc-py looks a term up with an XPath query over the whole locale every time an element
    renders one: a fifth of its time. A locale never changes once parsed, so the answer (the term,
    or the ``IndexError`` of a locale without it) is kept by name, form and padding; everything
    else is the locale's own.
    """

    def __init__(self, locale: model.Locale) -> None:
        self._locale = locale
        self._terms: dict[tuple[str, str | None, bool], model.CitationStylesElement | None] = {}

    def get_term(self, name: str, form: str | None = None, zero_padded: bool = False) -> model.CitationStylesElement:
        """The locale's term (as ``model.Locale.get_term``: ``IndexError`` if it has none)."""
        key = (name, form, zero_padded)
        if key not in self._terms:
            try:
                self._terms[key] = self._locale.get_term(name, form, zero_padded=zero_padded)
            except IndexError:
                self._terms[key] = None
        term = self._terms[key]
        if term is None:
            raise IndexError(name)
        return term

    def __getattr__(self, name: str) -> object:
        return getattr(self._locale, name)


class CitedItem(CitationItem):  # type: ignore[misc]  # citeproc-py is untyped (see pyproject.toml)
    """citeproc-py's citation item, whose reference is looked up once.

    citeproc-py looks an item's reference up (citation, bibliography, source, key) each time an
    element reads a variable: some 400 times a reference. An item is cited in one bibliography,
    whose source does not change while it renders; a fifth of the formatting's time went there.
    """

    @property
    def reference(self) -> object:
        """The cited reference (citeproc-py's ``CitationItem.reference``, kept)."""
        known = self.__dict__.get("known_reference")
        if known is None:
            known = self.__dict__["known_reference"] = CitationItem.reference.fget(self)
        return known


def substituting_style(path: str, locale: str | None = None) -> CitationStylesStyle:
    """The CSL style at ``path`` (validation off, as the styles are pinned), substituting as CSL specifies."""
    return SubstitutingStyle(path, locale)
