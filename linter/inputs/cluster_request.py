"""A cluster as the Palette API takes it when a cluster is created or updated: JSON (or YAML) with
``spec.profiles[].packValues[]``, each pack's ``name``, ``tag``, ``type`` and ``values`` (the pack's YAML as one
string). CanvOS keeps them as ``*.json.tmpl`` templates; teams keep them beside their pipelines. The packs of all
its profiles are the packs that one cluster deploys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from linter.inputs.kinds import PROFILE, is_cluster_payload
from linter.inputs.profile_packs import read_packs
from linter.inputs.reader import YAML_SUFFIXES, ParsedFile
from linter.yaml.composer import YamlParser

if TYPE_CHECKING:  # pragma: no cover
    from linter.document import Document


class ClusterRequestReader:
    name = "cluster-request"
    kind = PROFILE

    def accepts_name(self, file_name: str) -> bool:
        return file_name.endswith(YAML_SUFFIXES)

    def recognises(self, root: Document) -> bool:
        return isinstance(root.data, dict) and is_cluster_payload(root.data)

    def read(self, root: Document, parser: YamlParser, parsed: ParsedFile) -> None:
        read_packs(root, parser, parsed)
