"""A profile kept as a packs list (palette-formats.md section 5.3, as terraform-spectrocloud-modules keeps them):
YAML with a top-level ``packs[]`` whose entries have ``values`` (a ``|`` block) or a ``layer``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from linter.inputs.kinds import PROFILE, is_packs_list
from linter.inputs.profile_packs import read_packs
from linter.inputs.reader import YAML_SUFFIXES, ParsedFile
from linter.yaml.composer import YamlParser

if TYPE_CHECKING:  # pragma: no cover
    from linter.document import Document


class PacksListReader:
    name = "packs-list"
    kind = PROFILE

    def accepts_name(self, file_name: str) -> bool:
        return file_name.endswith(YAML_SUFFIXES)

    def recognises(self, root: Document) -> bool:
        return isinstance(root.data, dict) and is_packs_list(root.data)

    def read(self, root: Document, parser: YamlParser, parsed: ParsedFile) -> None:
        read_packs(root, parser, parsed)
