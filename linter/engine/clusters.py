"""Group documents into clusters: the profiles (infra plus add-ons) and user-data that deploy one edge cluster.

- A cluster declared in the configuration takes the files its patterns match.
- Otherwise the files of one directory form a cluster when that directory holds exactly one OS layer
  (one OS-layer values file, or one profile with an OS layer). A directory with several OS layers (a flat
  ``profiles/`` folder, say) forms no cluster: each of its files is linted alone.
- A file in no cluster is a cluster of its own, so that cluster rules still see what one file holds
  (two ``providerCredentials`` in one profile, say). Each fenced block of a Markdown file is a cluster of its
  own.
- Files that declare clusters and profiles by name (Terraform) form the clusters they declare, within their
  directory (a Terraform module: resources refer to each other only within one): a cluster resource sees
  exactly the profiles it attaches (and those ``spectrocloud_addon_deployment`` resources add to it), each
  with the cluster's pack overrides in place of the profile's packs; a profile no cluster attaches is a
  cluster of its own; two profiles are never together by sharing a directory. The directory's user-data joins
  its cluster when the module declares exactly one. A file another reads as its part (a profile's ``file()``
  values) is in that file's clusters only.

Grouping is one pass over the files plus one pass over the declared patterns per file: linear in the files.
"""

from __future__ import annotations

import posixpath
from typing import Iterable, Iterator, Optional, TypeVar

from msgspec import Struct, field

from linter.config.load import Config
from linter.document import Document, PackInfo
from linter.inputs import kinds
from linter.inputs.reader import DeclaredProfile, ParsedFile
from linter.model import Notice

T = TypeVar("T")


class Cluster(Struct):
    """The documents that deploy one cluster. ``origin`` says how it was formed: ``config``, ``directory``,
    ``file`` (a file linted alone), ``terraform`` (a cluster resource) or ``profile`` (a Terraform profile no
    cluster resource attaches). ``selected`` holds its documents when they are not every document of its
    files (a cluster resource sees the profiles it attaches, with its overrides in place of their packs)."""

    name: str
    origin: str
    files: list[ParsedFile] = field(default_factory=list)
    selected: Optional[list[Document]] = None

    @property
    def documents(self) -> list[Document]:
        if self.selected is not None:
            return self.selected
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
            for index, (path, pack) in enumerate(kinds.pack_entries(profile.data)):
                if isinstance(pack, dict):
                    name = pack.get("name")
                    layer = pack.get("layer")
                    yield profile, PackInfo(index, name if isinstance(name, str) else "",
                                            layer if isinstance(layer, str) else "", path=path)


def _os_layer_count(parsed: ParsedFile) -> int:
    return sum(1 for doc in parsed.documents if doc.kind == kinds.OS_LAYER)


def _has_user_data(parsed: ParsedFile) -> bool:
    return any(doc.kind == kinds.USER_DATA for doc in parsed.documents)


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


def group_clusters(files: Iterable[ParsedFile], config: Config,
                   notices: Optional[list[Notice]] = None) -> list[Cluster]:
    """Every parsed file in exactly one cluster (a file that declares clusters: in those it declares), in a
    deterministic order."""
    clusters: list[Cluster] = []
    declared = {spec.name: Cluster(spec.name, "config") for spec in config.clusters}
    by_directory: dict[str, list[ParsedFile]] = {}
    for parsed in files:
        if not parsed.documents or parsed.part_of:
            continue
        if parsed.blocks:  # parts that deploy on their own: a Markdown file's examples are not one site
            clusters.extend(Cluster(f"{parsed.source.path}:{block[0].span_of(()).line}", "block", [parsed],
                                    selected=block) for block in parsed.blocks)
            continue
        key = cluster_key(parsed.absolute_path, parsed.source.path, config)
        if key.startswith("config:"):
            declared[key[len("config:"):]].files.extend([parsed, *parsed.joined])
        else:
            by_directory.setdefault(key[len("dir:"):], []).append(parsed)
    clusters.extend(c for c in declared.values() if c.files)
    for directory, members in sorted(by_directory.items()):
        declaring = [p for p in members if p.profiles or p.clusters]
        if declaring:
            formed, members = declared_clusters(declaring, [p for p in members if p not in declaring], notices)
            clusters.extend(formed)
        layers = sum(_os_layer_count(p) for p in members)
        if layers == 1 and len(members) > 1:
            clusters.append(Cluster(directory or ".", "directory", sorted(members, key=lambda p: p.source.path)))
        else:
            clusters.extend(Cluster(p.source.path, "file", [p]) for p in sorted(members, key=lambda p: p.source.path))
            if layers > 1 and notices is not None and any(_has_user_data(p) for p in members):
                notices.append(Notice(f"{layers} OS layers beside user-data in one folder, so it is not one edge "
                                      "site and the rules across files did not run there; list each site's files "
                                      "under clusters: in the configuration", path=directory or "."))
    return clusters


def declared_clusters(declaring: list[ParsedFile], others: list[ParsedFile],
                      notices: Optional[list[Notice]]) -> tuple[list[Cluster], list[ParsedFile]]:
    """The clusters that the files of one directory (a Terraform module) declare, and the directory's other files
    that are in none of them (its user-data joins the cluster when the module declares exactly one)."""
    profiles: dict[str, tuple[ParsedFile, DeclaredProfile]] = {}
    for parsed in declaring:
        for profile in parsed.profiles:
            profiles.setdefault(profile.address, (parsed, profile))
    resources = [(parsed, cluster) for parsed in declaring for cluster in parsed.clusters]
    targets = {cluster.address for _parsed, cluster in resources if not cluster.adds_to}
    formed: list[Cluster] = []
    attached: set[str] = set()
    for parsed, cluster in resources:
        if cluster.adds_to in targets:
            continue  # its profiles are in the cluster it adds them to
        members = [(parsed, cluster)] + [(p, c) for p, c in resources if c.adds_to and c.adds_to == cluster.address]
        files: list[ParsedFile] = []
        documents: list[Document] = []
        for member_file, member in members:
            files.append(member_file)
            documents.append(member.document)
            for address, overrides in member.attaches:
                found = profiles.get(address)
                if found is None:
                    if notices is not None:
                        notices.append(Notice(f"{member.address} attaches {address}, which no linted file of "
                                              "its directory declares; not linted with the cluster",
                                              path=member_file.source.display_path))
                    continue
                attached.add(address)
                profile_file, profile = found
                files.append(profile_file)
                documents.append(profile.document)
                names = {name for name, _doc in profile.packs}
                documents.extend(overrides.get(name, doc) for name, doc in profile.packs)
                documents.extend(doc for name, doc in overrides.items() if name not in names)
        formed.append(Cluster(cluster.address, "terraform", _unique(files), selected=_unique(documents)))
    for address, (parsed, profile) in sorted(profiles.items()):
        if address not in attached:
            formed.append(Cluster(address, "profile", [parsed],
                                  selected=[profile.document, *(doc for _name, doc in profile.packs)]))
    resource_clusters = [cluster for cluster in formed if cluster.origin == "terraform"]
    if len(resource_clusters) == 1:
        user_data = [p for p in others if any(doc.kind == kinds.USER_DATA for doc in p.documents)]
        only = resource_clusters[0]
        for parsed in user_data:
            only.files.append(parsed)
            assert only.selected is not None
            only.selected.extend(parsed.documents)
        others = [p for p in others if p not in user_data]
    return formed, others


def _unique(items: list[T]) -> list[T]:
    """``items`` without repeats (by identity), in order: a profile attached twice is seen once."""
    seen: set[int] = set()
    unique = []
    for item in items:
        if id(item) not in seen:
            seen.add(id(item))
            unique.append(item)
    return unique
