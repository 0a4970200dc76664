"""Reading files: bytes to text (``decode``), text to documents with positions (the readers), and which files a
directory walk reads. One reader per format; :data:`READERS` is their order of precedence.

Most formats are YAML (or JSON, which is YAML): the file is composed once and the first reader that recognises
the content takes it. A format with a syntax of its own (Terraform's HCL) has a :class:`SyntaxReader` in
:data:`SYNTAX_READERS`, chosen by file name before YAML is tried; it parses the file itself and may read the
files it names (``open_file``)."""

from __future__ import annotations

import posixpath
from typing import Optional

from linter.document import Document
from linter.inputs.cluster_request import ClusterRequestReader
from linter.inputs.export_json import ExportJsonReader
from linter.inputs.kinds import UNKNOWN
from linter.inputs.markdown import MarkdownReader
from linter.inputs.os_layer import OsLayerReader
from linter.inputs.packs_list import PacksListReader
from linter.inputs.parse_hints import compose, worded_for_json
from linter.inputs.reader import FileOpener, ParsedFile, Reader, SyntaxReader
from linter.inputs.terraform import TerraformReader
from linter.inputs.user_data import UserDataReader
from linter.model import Span
from linter.yaml.composer import ParseFailure, YamlParser
from linter.yaml.source import SourceFile

#: Every reader, first match wins: user-data (its ``#cloud-config`` header says so whatever follows), whole
#: profiles and cluster requests, then an OS layer's values (whose tests are the loosest).
READERS: tuple[Reader, ...] = (UserDataReader(), ExportJsonReader(), ClusterRequestReader(), PacksListReader(),
                               OsLayerReader())
#: The readers of formats that are not YAML, by file name.
SYNTAX_READERS: tuple[SyntaxReader, ...] = (TerraformReader(), MarkdownReader())
#: Formats a directory walk reads only when asked (``--markdown``): their files are mostly not Palette's.
OPT_IN_READERS = frozenset({"markdown"})


def accepts_name(file_name: str, opted_in: frozenset[str] = frozenset()) -> bool:
    """Whether a directory walk reads a file of this name: some reader may read it (an opt-in reader only when
    ``opted_in`` names it)."""
    lowered = file_name.lower()
    if any(reader.accepts_name(lowered) for reader in READERS):
        return True
    found = syntax_reader(lowered)
    return found is not None and (found.name not in OPT_IN_READERS or found.name in opted_in)


def syntax_reader(file_name: str) -> Optional[SyntaxReader]:
    """The reader of a file of this name (a path's last part, any case) that is not YAML, or None."""
    lowered = posixpath.basename(file_name).lower()
    return next((reader for reader in SYNTAX_READERS if reader.accepts_name(lowered)), None)


def references(source: SourceFile, absolute_path: str) -> list[str]:
    """The absolute paths of the files a file reads as part of itself (a Terraform ``file()``): none for YAML."""
    reader = syntax_reader(source.path or absolute_path)
    if reader is None:
        return []
    try:
        return reader.references(source.text, absolute_path)
    except Exception:  # reading the file for real reports it (read_file)
        return []


def reader_failure(reader: str, exc: BaseException) -> ParseFailure:
    """The failure of a file whose reader raised: kind ``internal`` (a PAL999 finding, exit code 2). It names the
    exception's type and place, never its message (which may quote the file)."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {posixpath.basename(frames[-1].filename)}:{frames[-1].lineno}" if frames else ""
    return ParseFailure(f"the {reader} reader failed with {type(exc).__name__}{where}", Span(1, 1, 1, 2),
                        kind="internal", help="the file is not linted; please report this with the file that "
                                              "triggers it")


def read_file(parser: YamlParser, source: SourceFile, explicit: bool, absolute_path: str = "",
              open_file: Optional[FileOpener] = None) -> ParsedFile:
    """A decoded file's documents: the file's own (kind ``unknown`` when no reader recognises it) and those
    embedded in it; or why it cannot be parsed. ``absolute_path`` and ``open_file`` serve readers that read the
    files a file names."""
    parsed = ParsedFile(source, explicit=explicit, absolute_path=absolute_path)
    own_syntax = syntax_reader(source.path or absolute_path)
    if own_syntax is not None:
        try:
            own_syntax.read_text(parsed, parser, absolute_path, open_file)
        except Exception as exc:  # a reader's bug must not stop the run: an internal-error finding says so
            return ParsedFile(source, explicit=explicit, absolute_path=absolute_path,
                              failures=[reader_failure(own_syntax.name, exc)])
        return parsed
    try:
        composed = compose(parser, source.text)
    except ParseFailure as failure:
        if failure.text_fix is not None:
            from linter.fix.embedding import place_failure

            place_failure(failure, Document(source, None, {}))
        parsed.failures.append(worded_for_json(failure, source.text))
        return parsed
    root = Document.from_yaml(source, composed, kind=UNKNOWN)
    parsed.documents.append(root)
    for reader in READERS:
        if reader.recognises(root):
            root.kind = reader.kind
            reader.read(root, parser, parsed)
            break
    return parsed
