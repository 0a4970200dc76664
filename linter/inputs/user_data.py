"""EdgeForge user-data (palette-formats.md section 1): the installer's ``user-data`` (cloud-config), and site
user-data. Recognised by a ``#cloud-config`` first line or a top-level ``stylus`` mapping."""

from __future__ import annotations

from typing import TYPE_CHECKING

from linter.inputs.kinds import USER_DATA
from linter.inputs.reader import YAML_SUFFIXES, ParsedFile
from linter.yaml.composer import YamlParser

if TYPE_CHECKING:  # pragma: no cover
    from linter.document import Document

CLOUD_CONFIG_HEADER = "#cloud-config"


class UserDataReader:
    name = "user-data"
    kind = USER_DATA

    def accepts_name(self, file_name: str) -> bool:
        return file_name.endswith(YAML_SUFFIXES) or file_name == "user-data" or file_name.startswith("user-data.")

    def recognises(self, root: Document) -> bool:
        if root.header.lstrip("\ufeff").startswith(CLOUD_CONFIG_HEADER):
            return True
        return isinstance(root.data, dict) and isinstance(root.data.get("stylus"), dict)

    def read(self, root: Document, parser: YamlParser, parsed: ParsedFile) -> None:
        """User-data embeds no other document."""
