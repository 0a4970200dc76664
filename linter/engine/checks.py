"""Running rules: document rules on every document, cluster rules on every cluster, change rules on every
changed document with its base version. A rule that raises becomes a PAL999 finding on that document; the
other rules still run (ruff)."""

from __future__ import annotations

from typing import Callable, Iterable, Iterator, Optional

from linter.config.load import Config
from linter.document import Document
from linter.engine.clusters import group_clusters
from linter.engine.contract import RuleContext
from linter.engine.findings import FindingCollector
from linter.inputs.reader import ParsedFile
from linter.model import Issue, Notice, Rule


def check_documents(parsed: ParsedFile, rules: Iterable[Rule], contexts: dict[str, RuleContext],
                    collector: FindingCollector) -> None:
    """Document rules on every document of one file."""
    document_rules = [r for r in rules if r.scope == "document"]
    for doc in parsed.documents:
        for rule in document_rules:
            if doc.kind in rule.kinds:
                apply_rule(rule, doc, collector, lambda: rule.check(doc, contexts[rule.id]))


def check_clusters(files: list[ParsedFile], rules: Iterable[Rule], contexts: dict[str, RuleContext],
                   config: Config, collector: FindingCollector, notices: Optional[list[Notice]] = None) -> None:
    """Cluster rules on every cluster ``files`` form (what could not be joined into one goes to ``notices``)."""
    cluster_rules = [r for r in rules if r.scope == "cluster"]
    if cluster_rules:
        for cluster in group_clusters(files, config, notices):
            anchor = cluster.documents[0]
            for rule in cluster_rules:
                if any(doc.kind in rule.kinds for doc in cluster.documents):
                    apply_rule(rule, anchor, collector, lambda: rule.check(cluster, contexts[rule.id]))


def check_change(rules: Iterable[Rule], pairs: Iterable[tuple[Optional[Document], Document]],
                 context_of: Callable[[Rule], RuleContext], collector: FindingCollector) -> None:
    """Change rules on each (base version, document now) pair of one changed file."""
    for before, after in pairs:
        for rule in rules:
            if after.kind in rule.kinds:
                context = context_of(rule)
                apply_rule(rule, after, collector, lambda: rule.check(before, after, context))


def apply_rule(rule: Rule, anchor: Document, collector: FindingCollector,
               call: Callable[[], Iterator[Issue]]) -> None:
    """Collect the issues ``call`` yields for ``rule`` (called at once); an exception becomes a PAL999 finding on
    ``anchor``."""
    try:
        for issue in call():
            collector.issue(rule, issue.doc or anchor, issue)
    except Exception as exc:  # a failing rule must not stop the others (ruff)
        collector.internal_error(rule, anchor, exc)
