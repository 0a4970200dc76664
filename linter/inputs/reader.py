"""What a reader is: one input format, which files it reads (by name and by content) and how a file becomes
documents; and what reading a file gives (:class:`ParsedFile`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Optional, Protocol

from msgspec import Struct, field

from linter.model import Notice
from linter.yaml.composer import ParseFailure, YamlParser
from linter.yaml.source import SourceFile

if TYPE_CHECKING:  # pragma: no cover
    from linter.document import Document

#: The file name endings of YAML and JSON files (JSON is YAML), and of their templates (``.json.tmpl``, as CanvOS
#: keeps its cluster requests and profiles), whose placeholders are plain strings.
YAML_SUFFIXES = (".yaml", ".yml", ".json", ".yaml.tmpl", ".yml.tmpl", ".json.tmpl")


#: Reads a file that another file names (a Terraform ``file("values/os.yaml")``), by absolute path: its text, or
#: None when it is not there or cannot be read as text.
FileOpener = Callable[[str], Optional[SourceFile]]


class DeclaredProfile(Struct):
    """A profile a file declares under a name that other declarations refer to (a Terraform
    ``spectrocloud_cluster_profile`` resource): its document and its packs' values documents, in order, each
    with its pack's name (embedded in the file, or read from a file it names)."""

    address: str  # "spectrocloud_cluster_profile.edge"
    document: Document
    packs: list[tuple[str, Document]] = field(default_factory=list)


class DeclaredCluster(Struct):
    """A cluster a file declares (a Terraform cluster resource): its document, and the profiles it attaches by
    address, each with the packs whose values the cluster overrides (pack name -> the override's document).
    ``adds_to`` is the cluster an add-on deployment attaches its profiles to ('' for a cluster)."""

    address: str
    document: Document
    attaches: list[tuple[str, dict[str, Document]]] = field(default_factory=list)
    adds_to: str = ""


class ParsedFile(Struct):
    """A file after reading: its documents (the file's own first, then embedded ones) and what could not be
    parsed (the whole file, or a pack's values).

    A file that declares profiles and clusters by name (Terraform) lists them in ``profiles`` and
    ``clusters``; the files it reads as part of itself (a pack's ``values = file(...)``) are in ``joined``, each
    a ParsedFile of its own whose ``part_of`` names this file. ``notices`` say what was not read (an expression
    only Terraform can evaluate)."""

    source: SourceFile
    documents: list[Document] = field(default_factory=list)
    failures: list[ParseFailure] = field(default_factory=list)
    explicit: bool = False  # named on the command line (not found by walking a directory)
    absolute_path: str = ""
    profiles: list[DeclaredProfile] = field(default_factory=list)
    clusters: list[DeclaredCluster] = field(default_factory=list)
    joined: list[ParsedFile] = field(default_factory=list)
    part_of: str = ""  # the path of the file that reads this one as part of itself
    notices: list[Notice] = field(default_factory=list)
    #: The documents of each part of the file that deploys on its own (a Markdown file's fenced blocks): each is
    #: a cluster of its own. Empty for a file that is one whole.
    blocks: list[list[Document]] = field(default_factory=list)

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


class SyntaxReader(Protocol):
    """An input format with a syntax of its own (Terraform's HCL): chosen by file name before YAML is tried,
    it parses the file itself. It may read files the file names (``open_file``); ``references`` lists them
    before any reading, so that a file and the files it reads are linted together (one unit), and once."""

    name: str
    kind: str  # the kind of the file's own document

    def accepts_name(self, file_name: str) -> bool:
        """Whether this reader reads a file of this name (lower case); a directory walk reads it too."""

    def read_text(self, parsed: ParsedFile, parser: YamlParser, absolute_path: str,
                  open_file: Optional[FileOpener]) -> None:
        """Read ``parsed.source``: its documents, failures, declarations, joined files and notices."""

    def references(self, text: str, absolute_path: str) -> list[str]:
        """The absolute paths of the files that a file of this text, at ``absolute_path``, reads."""
