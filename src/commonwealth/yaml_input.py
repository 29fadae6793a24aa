"""Reading a user's YAML safely: bounded size, nesting and alias expansion, no duplicate keys.

A scenario file is the user's input, so reading it must never hang, exhaust memory or lose a value
silently. :func:`read_yaml_file` and :func:`parse_yaml` (PyYAML's safe loader underneath) refuse,
with a :class:`~commonwealth.errors.UserError` naming the file and the line:

- anything but a regular file (``/dev/zero``, a FIFO, a folder) and files over :data:`MAX_FILE_BYTES`;
- text that is not UTF-8, or holds control characters YAML forbids (a NUL byte), with line and column;
- nesting deeper than :data:`MAX_DEPTH` and documents whose aliases expand to more than
  :data:`MAX_EXPANDED_NODES` nodes (the "billion laughs" alias bomb), before anything walks them;
- recursive aliases, and keys that are not scalars;
- a key given twice in one mapping (YAML says keys are unique; PyYAML keeps the last silently), with
  both line numbers.

The result keeps the line of every key and list item (:attr:`Document.lines`), so later validation
can point at the line of the key it rejects.
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from commonwealth.errors import UserError

#: Largest scenario file read, bytes (the built-in ones are under 2 KB).
MAX_FILE_BYTES = 1 << 20
#: Deepest nesting of mappings and lists (a scenario needs 4).
MAX_DEPTH = 32
#: Most nodes a document may hold once its aliases are expanded.
MAX_EXPANDED_NODES = 100_000

#: A key path: mapping keys and list indices from the document's root.
KeyPath = tuple[Any, ...]


@dataclass(frozen=True)
class Document:
    """A parsed YAML document and the 1-based line of each key path in it."""

    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line(self, path: KeyPath) -> int | None:
        """The line of ``path`` or of its nearest enclosing key that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None


def shown(value: Any, limit: int = 80) -> str:
    """``repr(value)`` cut to ``limit`` characters, for messages about a user's value."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with bounded nesting and no silently dropped duplicate keys."""

    def __init__(self, stream: str, source: str) -> None:
        super().__init__(stream)
        self.source = source
        self.depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise UserError(f"line {mark.line + 1}: nesting is deeper than {MAX_DEPTH} levels; allowed: "
                                "a scenario's few levels of mappings and lists.", source=self.source)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            if not isinstance(key_node, ScalarNode):
                raise UserError(f"line {key_node.start_mark.line + 1}: a key must be a plain word or number, "
                                "not a list or mapping.", source=self.source)
            key = self.construct_object(key_node)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise UserError(f"line {line}: key {shown(key)} is given twice (lines {seen[key]} and {line}); "
                                "allowed: each key once per mapping.", source=self.source)
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


# YAML 1.2 floats that PyYAML (YAML 1.1) reads as text: an exponent without a sign or a dot (1e9, 2.5e7).
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def _measure(root: Node, source: str) -> None:
    """Refuse recursive aliases and documents that expand to too many nodes (counted without expanding)."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise UserError(f"line {node.start_mark.line + 1}: an alias refers to the list or mapping that "
                            "contains it; allowed: aliases of finished values only.", source=source)
        if depth > MAX_DEPTH:
            raise UserError(f"line {node.start_mark.line + 1}: aliases nest deeper than {MAX_DEPTH} levels.",
                            source=source)
        active.add(key)
        total = 1
        if isinstance(node, SequenceNode):
            total += sum(size(item, depth + 1) for item in node.value)
        elif isinstance(node, MappingNode):
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        active.discard(key)
        if total > MAX_EXPANDED_NODES:
            raise UserError(f"line {node.start_mark.line + 1}: the document's aliases expand to more than "
                            f"{MAX_EXPANDED_NODES:,} values; allowed: a scenario of ordinary size.", source=source)
        sizes[key] = total
        return total

    size(root, 0)


def _lines(node: Node, path: KeyPath, out: dict[KeyPath, int], depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        return
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode):
                key = _scalar_key(key_node)
                out.setdefault((*path, key), key_node.start_mark.line + 1)
                _lines(value_node, (*path, key), out, depth + 1)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            out.setdefault((*path, i), item.start_mark.line + 1)
            _lines(item, (*path, i), out, depth + 1)


def _scalar_key(node: ScalarNode) -> Any:
    value = node.value
    if node.tag == "tag:yaml.org,2002:int":
        try:
            return int(value)
        except ValueError:
            return value
    return value


def _where(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        return f" at line {mark.line + 1}, column {mark.column + 1}"
    return ""


def parse_yaml(text: str, source: str) -> Document:
    """Parse one YAML document from ``text`` (``source`` names it in messages)."""
    for line_no, line in enumerate(text.splitlines(), start=1):  # PyYAML reports these by offset only
        bad = next((c for c in line if c in "\x00\ufffe\uffff" or (ord(c) < 32 and c not in "\t\r\n")), None)
        if bad is not None:
            column = line.index(bad) + 1
            raise UserError(f"is not valid YAML at line {line_no}, column {column}: control character "
                            f"{bad!r} is not allowed.", source=source)
    loader = _Loader(text, source)
    try:
        node = loader.get_single_node()
        if node is None:
            return Document(None)
        _measure(node, source)
        lines: dict[KeyPath, int] = {}
        _lines(node, (), lines)
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise UserError(f"is not valid YAML{_where(exc)}: {problem}.", source=source) from None
    except RecursionError:
        raise UserError(f"nesting is deeper than {MAX_DEPTH} levels.", source=source) from None
    finally:
        loader.dispose()
    return Document(data, lines)


def read_yaml_file(path: Path, *, what: str = "scenario file") -> Document:
    """Read and parse ``path``: a regular UTF-8 file of at most :data:`MAX_FILE_BYTES` bytes."""
    source = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise UserError(f"cannot read the {what}: {exc.strerror}.", source=source) from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a device, pipe or socket)"
        raise UserError(f"is {kind}; allowed: a YAML {what}.", source=source)
    if info.st_size > MAX_FILE_BYTES:
        raise UserError(f"is {info.st_size:,} bytes; allowed: a {what} of at most {MAX_FILE_BYTES:,} bytes.",
                        source=source)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise UserError(f"cannot read the {what}: {exc.strerror}.", source=source) from None
    if len(raw) > MAX_FILE_BYTES:
        raise UserError(f"is larger than {MAX_FILE_BYTES:,} bytes; allowed: a smaller {what}.", source=source)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise UserError(f"is not UTF-8 text (byte {raw[exc.start]:#04x} at line {line}, column {column}).",
                        source=source) from None
    return parse_yaml(text.removeprefix("\ufeff"), source)
