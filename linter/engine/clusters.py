"""Group documents into clusters: the profiles (infra plus add-ons) and user-data that deploy one edge cluster.

- A cluster declared in the configuration takes the files its patterns match.
- Otherwise the files of one directory form a cluster when that directory holds exactly one OS layer
  (one OS-layer values file, or one profile with an OS layer). A directory with several OS layers (a flat
  ``profiles/`` folder, say) forms no cluster: each of its files is linted alone.
- A file in no cluster is a cluster of its own, so that cluster rules still see what one file holds
  (two ``providerCredentials`` in one profile, say).

Grouping is one pass over the files plus one pass over the declared patterns per file: linear in the files.
"""

from __future__ import annotations

import posixpath
from typing import Iterable, Iterator

from msgspec import Struct, field

from linter.config.load import Config
from linter.document import Document, PackInfo
from linter.inputs import kinds
from linter.inputs.reader import ParsedFile


class Cluster(Struct):
    """The documents that deploy one cluster. ``origin`` says how it was formed: ``config``, ``directory``
    or ``file`` (a file linted alone)."""

    name: str
    origin: str
    files: list[ParsedFile] = field(default_factory=list)

    @property
    def documents(self) -> list[Document]:
        return [doc for parsed in self.files for doc in parsed.documents]

    def of_kind(self, kind: str) -> list[Document]:
        return [doc for doc in self.documents if doc.kind == kind]

    @property
    def os_layers(self) -> list[Document]:
        return self.of_kind(kinds.OS_LAYER)

    @property
    def user_data(self) -> list[Document]:
        return self.of_kind(kinds.USER_DATA)

    @property
    def profiles(self) -> list[Document]:
        return self.of_kind(kinds.PROFILE)

    def packs(self) -> Iterator[tuple[Document, PackInfo]]:
        """Every pack the cluster's profiles list, with the profile document it is listed in."""
        for profile in self.profiles:
            packs_path, packs = kinds.profile_packs(profile.data)
            for index, pack in enumerate(packs):
                if isinstance(pack, dict):
                    name = pack.get("name")
                    layer = pack.get("layer")
                    yield profile, PackInfo(index, name if isinstance(name, str) else "",
                                            layer if isinstance(layer, str) else "")


def _os_layer_count(parsed: ParsedFile) -> int:
    return sum(1 for doc in parsed.documents if doc.kind == kinds.OS_LAYER)


def cluster_key(absolute_path: str, relative_path: str, config: Config) -> str:
    """Which group a file's cluster is formed in, known from its path alone: ``config:NAME`` for the first
    declared cluster whose patterns match it, else ``dir:DIRECTORY``. Files with different keys are never in
    one cluster, so the files of one key can be linted apart from the others (in another process, say)."""
    if config.clusters and config.path is not None:
        relative = config.relative(absolute_path) if absolute_path else relative_path
        for spec in config.clusters:
            if spec.patterns.matches(relative):
                return f"config:{spec.name}"
    return f"dir:{posixpath.dirname(relative_path)}"


def group_clusters(files: Iterable[ParsedFile], config: Config) -> list[Cluster]:
    """Every parsed file in exactly one cluster, in a deterministic order."""
    clusters: list[Cluster] = []
    declared = {spec.name: Cluster(spec.name, "config") for spec in config.clusters}
    by_directory: dict[str, list[ParsedFile]] = {}
    for parsed in files:
        if not parsed.documents:
            continue
        key = cluster_key(parsed.absolute_path, parsed.source.path, config)
        if key.startswith("config:"):
            declared[key[len("config:"):]].files.append(parsed)
        else:
            by_directory.setdefault(key[len("dir:"):], []).append(parsed)
    clusters.extend(c for c in declared.values() if c.files)
    for directory, members in sorted(by_directory.items()):
        if sum(_os_layer_count(p) for p in members) == 1 and len(members) > 1:
            clusters.append(Cluster(directory or ".", "directory", sorted(members, key=lambda p: p.source.path)))
        else:
            clusters.extend(Cluster(p.source.path, "file", [p]) for p in sorted(members, key=lambda p: p.source.path))
    return clusters
