"""Before/after pairs for change rules: which documents of a file's base version match which documents now,
and whether the file is deployed to existing clusters."""

from __future__ import annotations

from typing import Optional

from linter.config import Config
from linter.document import Document, ParsedFile
from linter.globs import any_match


def is_deployed(config: Config, absolute_path: str, existed_at_base: bool) -> bool:
    """Deployed to existing clusters: the configuration's ``new:`` list says no, its ``deployed:`` list says
    yes, and otherwise a file that existed at the base revision is deployed."""
    if config.path is not None and (config.new or config.deployed):
        relative = config.relative(absolute_path)
        if any_match(config.new, relative):
            return False
        if any_match(config.deployed, relative):
            return True
    return existed_at_base


def pair_documents(before: Optional[ParsedFile], after: ParsedFile) -> list[tuple[Optional[Document], Document]]:
    """Every document of ``after`` with its counterpart in ``before`` (None when it has none): the file's own
    documents with each other, and a profile's packs by name, else by position. Counterparts are of the same
    kind."""
    if before is None or before.root is None:
        return [(None, doc) for doc in after.documents]
    after_root = after.documents[0]
    before_root = before.documents[0]
    pairs: list[tuple[Optional[Document], Document]] = [
        (before_root if before_root.kind == after_root.kind else None, after_root)]
    candidates = [doc for doc in before.documents if doc.parent is not None and doc.pack is not None]
    used: set[int] = set()

    def take(match: Optional[Document]) -> Optional[Document]:
        if match is not None:
            used.add(id(match))
        return match

    packs = [doc for doc in after.documents if doc.parent is not None and doc.pack is not None]
    matched: dict[int, Optional[Document]] = {}
    for doc in packs:  # by name first, so that a reordered profile still pairs its packs
        assert doc.pack is not None
        matched[id(doc)] = take(next((old for old in candidates if id(old) not in used and old.kind == doc.kind
                                      and old.pack is not None and doc.pack.name
                                      and old.pack.name == doc.pack.name), None))
    for doc in packs:  # then by position
        assert doc.pack is not None
        if matched[id(doc)] is None:
            matched[id(doc)] = take(next((old for old in candidates if id(old) not in used and old.kind == doc.kind
                                          and old.pack is not None and old.pack.index == doc.pack.index), None))
        pairs.append((matched[id(doc)], doc))
    return pairs
