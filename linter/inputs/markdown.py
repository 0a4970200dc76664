"""Palette files quoted in Markdown (runbooks, READMEs, documentation pages): the fenced ``yaml``, ``yml`` and
``json`` blocks of a ``.md`` file, each read as a file of its own would be (the readers of
:data:`linter.inputs.READERS` decide by content whether it is user-data, an OS layer, a profile...), with
positions in the ``.md`` file. Blocks that are not Palette configuration are left alone, as a directory walk
leaves such files alone; a block that looks meant for Palette but does not parse is reported.

Opt-in: a directory walk reads ``.md`` files only with ``--markdown`` (or ``markdown: true`` in the
configuration); a ``.md`` file named on the command line is read. Each block is a cluster of its own: the
examples of one page are not one edge site. Markdown is parsed by markdown-it-py (the ``markdown`` extra), which
finds the fences as CommonMark does, in lists and quotes too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from linter.document import Document
from linter.inputs.decode import looks_like_palette_text
from linter.inputs.kinds import MARKDOWN, UNKNOWN
from linter.inputs.parse_hints import compose, worded_for_json
from linter.inputs.reader import FileOpener, ParsedFile
from linter.model import Span
from linter.yaml.composer import NodeInfo, ParseFailure, YamlParser
from linter.yaml.positions import LinesMap

if TYPE_CHECKING:  # pragma: no cover
    from linter.inputs.reader import Reader

#: The info strings of the fences read (their first word, lower case).
FENCE_LANGUAGES = frozenset({"yaml", "yml", "json", "jsonc"})
#: The fenced blocks read in one file: a runbook holds a few dozen; past this, a finding says the rest was not.
MAX_BLOCKS = 500


def markdown_parser_available() -> bool:
    try:
        import markdown_it  # noqa: F401
    except ImportError:
        return False
    return True


class MarkdownReader:
    name = "markdown"
    kind = MARKDOWN

    def accepts_name(self, file_name: str) -> bool:
        return file_name.endswith((".md", ".markdown"))

    def read_text(self, parsed: ParsedFile, parser: YamlParser, absolute_path: str,
                  open_file: Optional[FileOpener]) -> None:
        source = parsed.source
        if not markdown_parser_available():
            parsed.failures.append(ParseFailure(
                "reading Markdown needs markdown-it-py", Span(1, 1, 1, 2), kind="dependency",
                help="install the markdown extra: pip install 'palette-lint[markdown]'"))
            return
        from markdown_it import MarkdownIt

        from linter.inputs import READERS

        lines = source.text.split("\n")
        root = Document(source, {}, {(): NodeInfo(Span(1, 1, 1, 2), None, "block", "map")}, kind=UNKNOWN)
        parsed.documents.append(root)
        read = 0
        for token in MarkdownIt("commonmark").parse(source.text):
            if token.type != "fence" or token.map is None:
                continue
            language = (token.info.split() or [""])[0].lower()
            if language not in FENCE_LANGUAGES:
                continue
            if read == MAX_BLOCKS:
                parsed.failures.append(ParseFailure(
                    f"more than {MAX_BLOCKS} fenced yaml or json blocks, the limit", Span(token.map[0] + 1, 1,
                                                                                         token.map[0] + 1, 2),
                    kind="limit", help="the blocks from here on are not linted; split the file"))
                break
            read += 1
            self._read_block(parsed, parser, root, token, lines, READERS)
        if len(parsed.documents) > 1 or parsed.failures:
            root.kind = MARKDOWN  # a Palette file: some block is one, or looks meant to be one

    def references(self, text: str, absolute_path: str) -> list[str]:
        return []

    def _read_block(self, parsed: ParsedFile, parser: YamlParser, root: Document, token: Any, lines: list[str],
                    readers: tuple[Reader, ...]) -> None:
        content: str = token.content
        if not content.strip():
            return
        first_line0 = token.map[0] + 1  # the line after the opening fence
        indents = []
        for index, text_line in enumerate(content.split("\n")):
            file_line = lines[first_line0 + index] if first_line0 + index < len(lines) else ""
            indents.append(len(file_line) - len(text_line) if text_line and file_line.endswith(text_line) else 0)
        mapper = LinesMap(first_line0, indents)
        try:
            composed = compose(parser, content, mapper)
        except ParseFailure as failure:
            if looks_like_palette_text(content):
                if failure.text_fix is not None:
                    from linter.fix.embedding import place_failure

                    place_failure(failure, Document(root.source, None, {}, position_map=mapper, parent=root,
                                                    text=content))
                failure = worded_for_json(failure, content)
                failure.message = f"fenced block: {failure.message}"
                failure.help = "the block is not valid YAML or JSON; the other blocks of the file are linted"
                parsed.failures.append(failure)
            return
        block = Document.from_yaml(root.source, composed, kind=UNKNOWN, position_map=mapper, parent=root,
                                   text=content)
        for reader in readers:
            if reader.recognises(block):
                block.kind = reader.kind
                before = len(parsed.documents)
                parsed.documents.append(block)
                root.children.append(block)
                reader.read(block, parser, parsed)
                parsed.blocks.append(parsed.documents[before:])
                return
