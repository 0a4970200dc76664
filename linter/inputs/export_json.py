"""A profile exported from Palette (palette-formats.md section 5.1): JSON (or YAML) with
``spec.template.packs[]``, each pack's values a YAML string inside the JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING

from linter.inputs.kinds import PROFILE, is_export
from linter.inputs.profile_packs import read_packs
from linter.inputs.reader import YAML_SUFFIXES, ParsedFile
from linter.yaml.composer import YamlParser

if TYPE_CHECKING:  # pragma: no cover
    from linter.document import Document


class ExportJsonReader:
    name = "export-json"
    kind = PROFILE

    def accepts_name(self, file_name: str) -> bool:
        return file_name.endswith(YAML_SUFFIXES)

    def recognises(self, root: Document) -> bool:
        return isinstance(root.data, dict) and is_export(root.data)

    def read(self, root: Document, parser: YamlParser, parsed: ParsedFile) -> None:
        read_packs(root, parser, parsed)
