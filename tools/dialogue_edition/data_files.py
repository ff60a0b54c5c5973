"""Loading YAML data files into pydantic models, with errors that point at the offending line.

pydantic reports *where in the data* a value is wrong (a path of keys and indexes); YAML's
composer knows *where in the file* each value stands. Joining the two gives messages such as
``metadata.yaml:7: conference_date: Input should be a valid date``.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import os
import re
import unicodedata
from collections.abc import Iterator
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import yaml
from pydantic import BaseModel, BeforeValidator, Field, ValidationError

from .errors import InputError
from .kept_values import KeptValues

Model = TypeVar("Model", bound=BaseModel)

CONTROL_CHARACTER = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]"
)
"""Characters no page or data file needs (tab, line feed and carriage return are allowed):
NUL, escape sequences, line separators a reader cannot see, and the bidirectional overrides and
isolates that make text read otherwise than it is stored."""
INVISIBLE = re.compile(
    "[\xad\u061c\u115f\u1160\u180e\u200b\u200e\u200f\u2060-\u2064\u3164\ufeff\uffa0\U000e0000-\U000e007f]"
)
"""Characters a reader cannot see, refused in the values of data files: soft hyphens, zero-width
spaces, direction marks, word joiners, Hangul fillers, tag characters. A name holding one is
another name to search, to sort and to match, while it looks the same. (A received report's
text may hold them: pages are not held to this; the joiners some scripts need stay allowed.)"""


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: object) -> object:
    """A day written ``YYYY-MM-DD``: never a number, which pydantic would read as seconds since 1970."""
    if isinstance(value, datetime.date) or (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("a day is written YYYY-MM-DD")


IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]
"""A date of a data file: ``1992-11-19``, and nothing pydantic would otherwise turn into one."""


YEARS = range(1, 10_000)
"""The years a date can hold (JSON-LD, the PDF and the timeline write each as one)."""
Year = Annotated[int, Field(ge=YEARS.start, le=YEARS.stop - 1)]


def _day_or_year(value: object) -> object:
    """A day (``YYYY-MM-DD``) or a year (a number from 1 to 9999), before either is read."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value not in YEARS:
            raise ValueError("a year is a number from 1 to 9999 (a day is written YYYY-MM-DD)")
        return value
    return _iso_date(value)


DayOrYear = Annotated[datetime.date | int, BeforeValidator(_day_or_year)]
"""A date of the timeline: the day, or only the year where no day is known."""


if TYPE_CHECKING:
    _SafeLoader = yaml.SafeLoader
else:  # libyaml's parser where available (the stubs cannot say which one a machine has)
    _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):
    """YAML without implicit timestamps: dates stay text for pydantic to check.

    An impossible date (30 February) is then a validation error at its line, not a crash.
    """


def _construct_mapping_once(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    """A mapping whose keys are each written once: YAML would keep the last silently."""
    seen: dict[object, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a word or a number, not a list or a mapping", key_node.start_mark
            )
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first on line {seen[key]})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line + 1
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


LONGEST_WORD = 1_000
"""The most characters any text may hold without an ordinary space (``safety`` and ``data_files``
refuse more). Other spaces (no-break, thin) do not count: TeX breaks no line at them. TeX cannot
measure a box of some 3,000 letters, and a heading's running head costs the square of its length."""

SPACES = " \t\r\n"
"""The spaces TeX breaks a line at."""
TOO_LONG_WORD = re.compile(rf"[^{SPACES}]{{{LONGEST_WORD + 1},}}")


def longest_word_problem(text: str) -> str | None:
    """Why ``text`` is refused, if it holds a run longer than ``LONGEST_WORD`` without a space."""
    run = TOO_LONG_WORD.search(text)
    if run is None:
        return None
    return (
        f"a word of {len(run.group()):,} characters without a space (at most {LONGEST_WORD:,}; "
        f"it begins {run.group()[:20]!r}): break it with spaces"
    )


LONGEST_VALUE = 5_000
"""The most characters one value of a data file may hold: names, roles, notes and citations
(the longest today has 593). A longer one is a mistake, or meant to break the PDF."""


def value_problem(value: str) -> str | None:
    """Why ``value`` may not be a value of a data file (invisible or control characters, its length), or None.

    The rule of every string the data files hold, and of what the importer writes into them.
    """
    invisible = INVISIBLE.search(value)
    if invisible:
        return f"invisible character U+{ord(invisible.group()):04X} in a value: remove it"
    if len(value) > LONGEST_VALUE:
        return f"a value of {len(value):,} characters (at most {LONGEST_VALUE:,}): shorten it"
    long_word = longest_word_problem(value)
    if long_word:
        return f"{long_word} in a value"
    control = CONTROL_CHARACTER.search(value)
    if control:
        return f"control character U+{ord(control.group()):04X} in a value: remove it"
    return right_to_left_problem(value)


def right_to_left_problem(text: str) -> str | None:
    """Why ``text`` cannot be printed, if it holds a letter of a right-to-left script (Arabic, Hebrew, …).

    The PDF is set by xelatex without a bidirectional layout: it printed such a word's letters
    left to right, in reverse, and said nothing.
    """
    letter = right_to_left_letter(text)
    if letter is None:
        return None
    name = unicodedata.name(letter, "a right-to-left character")
    return (
        f"{letter!r} (U+{ord(letter):04X} {name}) is written right to left, which the PDF cannot set "
        "(it would print the word reversed): write it in a left-to-right script (a transliteration)"
    )


def right_to_left_letter(text: str) -> str | None:
    """The first letter of ``text`` written right to left (see :func:`right_to_left_problem`), if any.

    The blocks that hold such letters are found by a regular expression; only what it finds is
    looked up (a page's text is mostly Latin with curly quotes and dashes, which are not ASCII:
    looking up every character of 50 reports' text took 55 ms, the expression 5 ms).
    """
    for found in RIGHT_TO_LEFT_BLOCKS.finditer(text):
        if unicodedata.bidirectional(found.group()) in RIGHT_TO_LEFT:
            return found.group()
    return None


RIGHT_TO_LEFT = frozenset({"R", "AL"})
"""Unicode's bidirectional classes of right-to-left letters (Hebrew; Arabic, Syriac, Thaana, …)."""
RIGHT_TO_LEFT_BLOCKS = re.compile("[\u0590-\u08ff\u200f\ufb1d-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff]")
"""Where Unicode puts every character of the classes in :data:`RIGHT_TO_LEFT`: Hebrew to Arabic
Extended-A, the right-to-left mark, the Hebrew and Arabic presentation forms, and the two planes'
right-to-left ranges (``tests/test_security.py`` checks every code point against Python's data)."""


def _construct_clean_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    r"""A string without control characters, even those YAML's escapes (``"\0"``, ``"\e"``) write."""
    value = loader.construct_scalar(node)
    problem = value_problem(value)
    if problem:
        raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark)
    return value


LONGEST_NUMBER = 18
"""Digits a number of a data file may have (a year has four; Python refuses to read 4,300)."""


def _construct_number(loader: _Loader, node: yaml.ScalarNode) -> int:
    digits = re.sub(r"[^0-9a-fA-F]", "", str(node.value))
    if len(digits) > LONGEST_NUMBER:
        raise yaml.constructor.ConstructorError(
            None, None, f"a number of {len(digits):,} digits: no value of the edition has so many", node.start_mark
        )
    number: int = yaml.SafeLoader.construct_yaml_int(loader, node)
    return number


def _refuse_tag(loader: _Loader, node: yaml.Node) -> None:
    """Refuse binary data, sets and ordered pairs: no data file needs them.

    ``!!binary`` would carry bytes past the check for control characters.
    """
    tag = node.tag.rsplit(":", 1)[-1]
    raise yaml.constructor.ConstructorError(
        None, None, f"the YAML tag {tag!r} is not allowed: write the value as text", node.start_mark
    )


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping_once)
_Loader.add_constructor("tag:yaml.org,2002:str", _construct_clean_text)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_number)
for _tag in ("binary", "set", "omap", "pairs", "timestamp"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag)
_Loader.yaml_implicit_resolvers = {
    first: [resolver for resolver in resolvers if resolver[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


LARGEST_DOCUMENT = 1_000_000
"""Values a data file may hold once its aliases (``*name``) are written out. ``people.yaml`` holds
1,162 for 35 people (about 33 each), so this allows some 30,000 people; aliases of aliases could
otherwise make a file of a few lines hold billions (and take minutes and gigabytes to read)."""


def _expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """How many nodes the tree under ``node`` has with every alias written out (each node counted once)."""
    if id(node) not in sizes:
        sizes[id(node)] = 0  # a node inside itself (a recursive alias) counts once
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [item for pair in node.value for item in pair]
        sizes[id(node)] = min(1 + sum(_expanded_size(child, sizes) for child in children), LARGEST_DOCUMENT + 1)
    return sizes[id(node)]


def _parse(text: str) -> tuple[object, yaml.Node | None]:
    """Compose the node tree once (it keeps the lines), then build the data from it."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None and _expanded_size(node, {}) > LARGEST_DOCUMENT:
            raise yaml.composer.ComposerError(
                None, None, f"its aliases write out more than {LARGEST_DOCUMENT:,} values", node.start_mark
            )
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


def _line_of(node: yaml.Node | None, location: tuple[int | str, ...]) -> int | None:
    """The 1-based line of the value at ``location`` in a composed YAML tree (or its nearest parent)."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in location:
        if isinstance(node, yaml.MappingNode):
            match = [(k, v) for k, v in node.value if k.value == key]
            if not match:
                return line
            key_node, node = match[0]
            line = key_node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def read_yaml(path: Path) -> tuple[object, yaml.Node | None]:
    """Parse ``path`` into plain data and its node tree; a syntax error names file and line."""
    return _parse_file_text(path, read_text(path))


def _parse_file_text(path: Path, text: str) -> tuple[object, yaml.Node | None]:
    """:func:`_parse` on the text of ``path``; a syntax error names file and line."""
    try:
        return _parse(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise InputError(path, line, f"invalid YAML: {error.problem or error.context}") from None
    except RecursionError:
        raise InputError(path, None, "invalid YAML: nested too deeply to be data of the edition") from None


def _outside(target: Path, root: Path) -> bool:
    """Whether a resolved path is outside the resolved folder ``root``."""
    return target != root and root not in target.parents


def confined(path: Path, project: Path) -> Path:
    """``path``, if it is the project's own: a symbolic link may not lead outside the project.

    A pull request could otherwise make a build publish a file of the machine that builds it.
    """
    resolved = path.resolve()
    if _outside(resolved, project.resolve()):
        raise InputError(path, None, f"leads outside the project (to {resolved}): a project's data are its own files")
    return path


def every_name(folder: str, root: Path) -> Iterator[tuple[str, bool]]:
    """``folder``, then every folder and file under it, links to folders followed (as Sphinx does).

    Each comes as its path (``folder`` joined to it by ``/``) and whether it is a file. A path
    that leads outside ``root`` (a resolved folder) is refused before anything under it is read.

    A folder reached by two paths (a link to another folder of the tree) is walked under each,
    as Sphinx reads the pages under each: every name Sphinx sees is seen here. A link back up
    the tree (to a folder the path is already in) is not walked again. Only folders and links
    are resolved: a plain file is where its folder is, and resolving (or even making a path
    object of) every path costs a tenth of a second at 200 reports. The contents of a folder
    that cannot be listed are left out, as ``os.walk`` leaves them out.
    """
    pending: list[tuple[str, tuple[str, ...]]] = [(folder, ())]
    while pending:
        current, above = pending.pop()
        real = os.path.realpath(current)
        if _outside(Path(real), root):
            raise InputError(current, None, f"leads outside the project (to {real}): remove the link")
        if real in above:  # a link back up the tree
            continue
        yield current, False
        try:
            with os.scandir(current) as listing:
                entries = sorted(listing, key=attrgetter("name"))
        except OSError:
            continue
        folders = []
        for entry in entries:
            target = os.path.realpath(entry.path) if entry.is_symlink() else None
            if target is not None and _outside(Path(target), root):
                raise InputError(entry.path, None, f"leads outside the project (to {target}): remove the link")
            if entry.is_dir():
                folders.append((entry.path, (*above, real)))
            yield entry.path, entry.is_file()
        pending += reversed(folders)  # the first folder is walked first


def read_text(path: Path) -> str:
    """A project file's text: UTF-8 without NUL or other control characters, else file and line named."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(path, None, f"cannot be read ({error.strerror})") from None
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(path, line, f"not UTF-8 text: byte {data[error.start]:#04x} ({error.reason})") from None
    control = CONTROL_CHARACTER.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        raise InputError(path, line, f"control character U+{ord(control.group()):04X}: remove it")
    return text


@functools.lru_cache(maxsize=32)
def _node_tree(path: Path, mtime_ns: int, size: int) -> yaml.Node | None:
    """The composed tree of a file, kept while the file is unchanged: lines for many messages, one parse."""
    return read_yaml(path)[1]


@functools.lru_cache(maxsize=32)
def _cached_text(path: Path, mtime_ns: int, size: int) -> str:
    return read_text(path)


def text_once(path: Path) -> str:
    """A file's text, read once while it is unchanged (messages about many entries need it again and again)."""
    status = path.stat()
    return _cached_text(path, status.st_mtime_ns, status.st_size)


def line_in(path: Path, location: tuple[int | str, ...]) -> int | None:
    """The line of the value at ``location`` (a path of keys and indexes) in the YAML file ``path``."""
    status = path.stat()
    return _line_of(_node_tree(path, status.st_mtime_ns, status.st_size), location)


def validation_errors(path: Path, node: yaml.Node | None, error: ValidationError) -> list[InputError]:
    """One :class:`InputError` per problem pydantic found, each at its line in ``path``."""
    problems = []
    for item in error.errors():
        location = tuple(item["loc"])
        field = ".".join(str(part) for part in location) or "(document)"
        problems.append(InputError(path, _line_of(node, location), f"{field}: {item['msg']}"))
    return problems


ModelKey = tuple[str, str]
"""What a validated model was made from: the model's class and the SHA-256 of the text. Not the
file's path: it only ever names the file in an error, and a failure is not kept."""

KEPT_MODELS = 4096
"""Room for every report's metadata and the registry: a cache smaller than an archive misses every time."""
_VALIDATED: KeptValues[ModelKey, BaseModel] = KeptValues(KEPT_MODELS)
"""Models validated in this process, or kept from an earlier one (:func:`keep_validated`)."""
_USED: list[set[ModelKey]] = []
"""The models :func:`load_model` gave out since :func:`record_use` (none recorded before it)."""


def load_model(path: Path, model: type[Model]) -> Model:
    """Read ``path`` and validate it as ``model``; the first problem is raised as an InputError.

    A build reads the same files several times (the configuration, the extensions; the data
    check in a process of its own): a text is parsed and validated once for a model, and the
    same model is returned each time, even for another file with the same text. Callers never
    change a model: it is shared, and may be kept for later builds (``model_cache``). Failures
    are not kept.
    """
    text = read_text(path)
    key = (f"{model.__module__}.{model.__qualname__}", hashlib.sha256(text.encode()).hexdigest())
    found = _VALIDATED.get(key)
    if type(found) is not model:
        found = _validated(path, model, text)
        _VALIDATED.put(key, found)
    for used in _USED:
        used.add(key)
    return found


def record_use() -> None:
    """Start a new record of the models :func:`load_model` gives out (a build starts)."""
    _USED[:] = [set()]


def used_models() -> dict[ModelKey, BaseModel]:
    """The models :func:`load_model` gave out since :func:`record_use`, by what each was made from."""
    found = {key: _VALIDATED.peek(key) for used in _USED for key in used}
    return {key: model for key, model in found.items() if model is not None}


def keep_validated(models: dict[ModelKey, BaseModel]) -> None:
    """Take models validated elsewhere (an earlier build of this very code): the same text is not validated again.

    A model this process already has for a key stays (one model for one text in a process).
    """
    _VALIDATED.take(models.items())


def _validated(path: Path, model: type[Model], text: str) -> Model:
    data, node = _parse_file_text(path, text)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise validation_errors(path, node, error)[0] from None
