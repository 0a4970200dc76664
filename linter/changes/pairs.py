"""Before/after pairs for change rules: which documents of a file's base version match which documents now,
and whether the file is deployed to existing clusters."""

from __future__ import annotations

from typing import Optional

from linter.config.load import Config
from linter.document import Document
from linter.inputs.reader import ParsedFile


def is_deployed(config: Config, absolute_path: str, existed_at_base: bool) -> bool:
    """Deployed to existing clusters: the configuration's ``new:`` list says no, its ``deployed:`` list says
    yes, and otherwise a file that existed at the base revision is deployed."""
    if config.path is not None and (config.new or config.deployed):
        relative = config.relative(absolute_path)
        if config.new.matches(relative):
            return False
        if config.deployed.matches(relative):
            return True
    return existed_at_base


def pair_documents(before: Optional[ParsedFile], after: ParsedFile) -> list[tuple[Optional[Document], Document]]:
    """Every document of ``after`` with its counterpart in ``before`` (None when it has none): the file's own
    documents with each other, and a profile's packs by name first (a reordered profile), then by position.
    Counterparts are of the same kind."""
    if before is None or before.root is None:
        return [(None, doc) for doc in after.documents]
    old_root, new_root = before.documents[0], after.documents[0]
    pairs: list[tuple[Optional[Document], Document]] = [(old_root if old_root.kind == new_root.kind else None,
                                                         new_root)]
    old_packs = [(doc, doc.pack) for doc in before.documents if doc.parent is not None and doc.pack is not None]
    new_packs = [(doc, doc.pack) for doc in after.documents if doc.parent is not None and doc.pack is not None]
    matched: dict[int, Document] = {}
    taken: set[int] = set()
    for same in (lambda old, new: bool(new.name) and old.name == new.name,
                 lambda old, new: old.index == new.index):
        for doc, pack in new_packs:
            if id(doc) in matched:
                continue
            for old_doc, old_pack in old_packs:
                if id(old_doc) not in taken and old_doc.kind == doc.kind and _owner(old_doc) == _owner(doc) \
                        and same(old_pack, pack):
                    matched[id(doc)] = old_doc
                    taken.add(id(old_doc))
                    break
    pairs.extend((matched.get(id(doc)), doc) for doc, _pack in new_packs)
    return pairs


def _owner(doc: Document) -> tuple[object, ...]:
    """Where the profile (or cluster) that lists a pack is in its file: a Terraform file may hold several, whose
    packs are told apart by it (the whole file, for other formats)."""
    return doc.parent.outer_path(()) if doc.parent is not None else ()
