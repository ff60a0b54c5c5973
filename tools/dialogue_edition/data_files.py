"""Loading YAML data files into pydantic models, with errors that point at the offending line.

pydantic reports *where in the data* a value is wrong (a path of keys and indexes); YAML's
composer knows *where in the file* each value stands. Joining the two gives messages such as
``metadata.yaml:7: conference_date: Input should be a valid date``.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .errors import InputError

Model = TypeVar("Model", bound=BaseModel)

CONTROL_CHARACTER = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufffe\uffff]"
)
"""Characters no page or data file needs (tab, line feed and carriage return are allowed):
NUL, escape sequences, line separators a reader cannot see, the bidirectional overrides and
isolates that make text read otherwise than it is stored, and invisible word breaks (a name with
one is another name to search and to the index). The joiners some scripts need stay allowed."""


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


LONGEST_VALUE = 5_000
"""The most characters one value of a data file may hold: names, roles, notes and citations
(the longest today has 593). A longer one is a mistake, or meant to break the PDF."""


def _construct_clean_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    r"""A string without control characters, even those YAML's escapes (``"\0"``, ``"\e"``) write."""
    value = loader.construct_scalar(node)
    if len(value) > LONGEST_VALUE:
        raise yaml.constructor.ConstructorError(
            None, None, f"a value of {len(value):,} characters (at most {LONGEST_VALUE:,}): shorten it", node.start_mark
        )
    control = CONTROL_CHARACTER.search(value)
    if control:
        raise yaml.constructor.ConstructorError(
            None, None, f"control character U+{ord(control.group()):04X} in a value: remove it", node.start_mark
        )
    return value


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
for _tag in ("binary", "set", "omap", "pairs"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag)
_Loader.yaml_implicit_resolvers = {
    first: [resolver for resolver in resolvers if resolver[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _parse(text: str) -> tuple[object, yaml.Node | None]:
    """Compose the node tree once (it keeps the lines), then build the data from it."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
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


def confined(path: Path, project: Path) -> Path:
    """``path``, if it is the project's own: a symbolic link may not lead outside the project.

    A pull request could otherwise make a build publish a file of the machine that builds it.
    """
    resolved, root = path.resolve(), project.resolve()
    if resolved != root and root not in resolved.parents:
        raise InputError(path, None, f"leads outside the project (to {resolved}): a project's data are its own files")
    return path


def read_text(path: Path) -> str:
    """A project file's text: UTF-8 without NUL or other control characters, else file and line named."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(path, None, f"cannot be read ({error.strerror})") from None
    try:
        text = data.decode("utf-8")
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


def load_model(path: Path, model: type[Model]) -> Model:
    """Read ``path`` and validate it as ``model``; the first problem is raised as an InputError.

    A build reads the same files several times in one process (the data check before Sphinx,
    the configuration, the extensions): a file whose bytes are unchanged is parsed and validated
    once, and the same model is returned each time (callers never change a model).
    """
    validated: Model = _validated(path, model, read_text(path))
    return validated


@functools.lru_cache(maxsize=256)
def _validated(path: Path, model: type[Model], text: str) -> Model:
    data, node = _parse_file_text(path, text)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise validation_errors(path, node, error)[0] from None
