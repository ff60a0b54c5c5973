"""Loading YAML data files into pydantic models, with errors that point at the offending line.

pydantic reports *where in the data* a value is wrong (a path of keys and indexes); YAML's
composer knows *where in the file* each value stands. Joining the two gives messages such as
``metadata.yaml:7: conference_date: Input should be a valid date``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .errors import InputError

Model = TypeVar("Model", bound=BaseModel)


if TYPE_CHECKING:
    _SafeLoader = yaml.SafeLoader
else:  # libyaml's parser where available (the stubs cannot say which one a machine has)
    _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):
    """YAML without implicit timestamps: dates stay text for pydantic to check.

    An impossible date (30 February) is then a validation error at its line, not a crash.
    """


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
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise InputError(path, None, f"not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise InputError(path, None, f"cannot be read ({error.strerror})") from None
    try:
        return yaml.load(text, Loader=_Loader), yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise InputError(path, line, f"invalid YAML: {error.problem or error.context}") from None


def line_in(path: Path, location: tuple[int | str, ...]) -> int | None:
    """The line of the value at ``location`` (a path of keys and indexes) in the YAML file ``path``."""
    _, node = read_yaml(path)
    return _line_of(node, location)


def validation_errors(path: Path, node: yaml.Node | None, error: ValidationError) -> list[InputError]:
    """One :class:`InputError` per problem pydantic found, each at its line in ``path``."""
    problems = []
    for item in error.errors():
        location = tuple(item["loc"])
        field = ".".join(str(part) for part in location) or "(document)"
        problems.append(InputError(path, _line_of(node, location), f"{field}: {item['msg']}"))
    return problems


def load_model(path: Path, model: type[Model]) -> Model:
    """Read ``path`` and validate it as ``model``; the first problem is raised as an InputError."""
    data, node = read_yaml(path)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise validation_errors(path, node, error)[0] from None
