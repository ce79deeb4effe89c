"""Load the project's definition files (model schemata, feed mappings, ...) with errors that name
the file and line, so a person editing YAML can fix it without reading a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

T = TypeVar("T", bound=BaseModel)


class DefinitionError(Exception):
    """A definition file is missing, not YAML, or does not fit its schema."""

    def __init__(self, path: Path, problem: str, line: int | None = None):
        self.path = path
        self.problem = problem
        self.line = line
        where = f"{path}, line {line}" if line else str(path)
        super().__init__(f"{where}: {problem}")


def _line_index(node: yaml.Node, path: tuple[Any, ...], index: dict[tuple[Any, ...], int]) -> None:
    """Record the 1-based line of every mapping key and sequence item, by its path."""
    index[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            index[(*path, key)] = key_node.start_mark.line + 1
            _line_index(value_node, (*path, key), index)
            index[(*path, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            _line_index(item, (*path, position), index)


def read_yaml(path: Path) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """Parse a YAML file, returning the data and a map from key path to line number."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DefinitionError(path, "file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise DefinitionError(path, f"cannot be read: {error}") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        raise DefinitionError(path, f"is not valid YAML: {error.problem}", line) from None
    except yaml.YAMLError as error:
        raise DefinitionError(path, f"is not valid YAML: {error}") from None
    index: dict[tuple[Any, ...], int] = {}
    if node is not None:
        _line_index(node, (), index)
    return data, index


def nearest_line(index: dict[tuple[Any, ...], int], location: tuple[Any, ...]) -> int | None:
    """The line of the deepest known prefix of a key path."""
    for end in range(len(location), -1, -1):
        line = index.get(tuple(location[:end]))
        if line is not None:
            return line
    return None


def load_definition(path: Path, schema: type[T]) -> T:
    """Read a YAML definition file and validate it against a Pydantic schema."""
    data, index = read_yaml(path)
    if data is None:
        raise DefinitionError(path, "is empty")
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        location = tuple(first["loc"])
        where = ".".join(str(part) for part in location) or "(top level)"
        message = f"{where}: {first['msg']}"
        if len(error.errors()) > 1:
            message += f" (and {len(error.errors()) - 1} more problems)"
        raise DefinitionError(path, message, nearest_line(index, location)) from None
