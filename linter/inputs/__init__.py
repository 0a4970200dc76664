"""Reading files: bytes to text (``decode``), text to documents with positions (the readers), and which files a
directory walk reads. One reader per format; :data:`READERS` is their order of precedence."""

from __future__ import annotations

from linter.document import Document
from linter.inputs.export_json import ExportJsonReader
from linter.inputs.kinds import UNKNOWN
from linter.inputs.os_layer import OsLayerReader
from linter.inputs.packs_list import PacksListReader
from linter.inputs.parse_hints import compose
from linter.inputs.reader import ParsedFile, Reader
from linter.inputs.user_data import UserDataReader
from linter.yaml.composer import ParseFailure, YamlParser
from linter.yaml.source import SourceFile

#: Every reader, first match wins: user-data (its ``#cloud-config`` header says so whatever follows), whole
#: profiles, then an OS layer's values (whose tests are the loosest).
READERS: tuple[Reader, ...] = (UserDataReader(), ExportJsonReader(), PacksListReader(), OsLayerReader())


def accepts_name(file_name: str) -> bool:
    """Whether a directory walk reads a file of this name: some reader may read it."""
    lowered = file_name.lower()
    return any(reader.accepts_name(lowered) for reader in READERS)


def read_file(parser: YamlParser, source: SourceFile, explicit: bool) -> ParsedFile:
    """A decoded file's documents: the file's own (kind ``unknown`` when no reader recognises it) and those
    embedded in it; or why it cannot be parsed."""
    parsed = ParsedFile(source, explicit=explicit)
    try:
        composed = compose(parser, source.text)
    except ParseFailure as failure:
        parsed.failures.append(failure)
        return parsed
    root = Document.from_yaml(source, composed, kind=UNKNOWN)
    parsed.documents.append(root)
    for reader in READERS:
        if reader.recognises(root):
            root.kind = reader.kind
            reader.read(root, parser, parsed)
            break
    return parsed
