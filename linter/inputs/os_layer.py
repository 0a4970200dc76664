"""The values of a profile's OS layer kept as a file of their own (palette-formats.md section 2.2): the BYOOS
``edge-native-byoi`` pack's values. Recognised by top-level ``options`` with ``system.*`` keys,
``pack.content.images``, or ``providerCredentials`` at the root."""

from __future__ import annotations

from typing import TYPE_CHECKING

from linter.document import PackInfo
from linter.inputs.kinds import OS_LAYER, looks_like_os_layer, pack_name_from_macros
from linter.inputs.reader import YAML_SUFFIXES, ParsedFile
from linter.yaml.composer import YamlParser

if TYPE_CHECKING:  # pragma: no cover
    from linter.document import Document


class OsLayerReader:
    name = "os-layer"
    kind = OS_LAYER

    def accepts_name(self, file_name: str) -> bool:
        return file_name.endswith(YAML_SUFFIXES)

    def recognises(self, root: Document) -> bool:
        return looks_like_os_layer(root.data)

    def read(self, root: Document, parser: YamlParser, parsed: ParsedFile) -> None:
        """The pack the file is the values of, as its own ``{{.spectro.pack.NAME.options...}}`` macros name it."""
        root.pack = PackInfo(index=-1, name=pack_name_from_macros(root.source.text) or "", layer="os")
