"""What a reader is: one input format, which files it reads (by name and by content) and how a file becomes
documents; and what reading a file gives (:class:`ParsedFile`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Protocol

from msgspec import Struct, field

from linter.yaml.composer import ParseFailure, YamlParser
from linter.yaml.source import SourceFile

if TYPE_CHECKING:  # pragma: no cover
    from linter.document import Document

#: The file name endings of YAML and JSON files (JSON is YAML).
YAML_SUFFIXES = (".yaml", ".yml", ".json")


class ParsedFile(Struct):
    """A file after reading: its documents (the file's own first, then embedded ones) and what could not be
    parsed (the whole file, or a pack's values)."""

    source: SourceFile
    documents: list[Document] = field(default_factory=list)
    failures: list[ParseFailure] = field(default_factory=list)
    explicit: bool = False  # named on the command line (not found by walking a directory)
    absolute_path: str = ""

    @property
    def root(self) -> Optional[Document]:
        return self.documents[0] if self.documents else None


class Reader(Protocol):
    """One input format. A directory walk reads the files some reader ``accepts_name``; a file parsed as YAML
    is read by the first reader (in :data:`linter.inputs.READERS` order) that ``recognises`` its content, which
    then sets the kinds and adds the documents embedded in it."""

    name: str  # the format, for messages and docs: "user-data", "export-json", ...
    kind: str  # the kind of the file's own document (linter/inputs/kinds.py)

    def accepts_name(self, file_name: str) -> bool:
        """Whether a directory walk reads a file of this name (lower case) for this format."""

    def recognises(self, root: Document) -> bool:
        """Whether the file, parsed as YAML, is of this format."""

    def read(self, root: Document, parser: YamlParser, parsed: ParsedFile) -> None:
        """Finish reading a recognised file: the root's details, embedded documents, their failures."""
