"""A mapping must not repeat a key.

## What it does
Reports the second (and later) occurrence of a key in the same mapping, citing the first.

## Why is this bad?
YAML forbids duplicate keys, and parsers disagree on them: some keep the first value, some the last, Go's
YAML libraries used around Palette refuse the document. Two `password:` lines in `providerCredentials`
mean nobody knows which one the cluster gets.

## Example
```yaml
providerCredentials:
  registry: registry.example.com
  user: edge
  user: admin
```

## Use instead
```yaml
providerCredentials:
  registry: registry.example.com
  user: edge
  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
options:
  system.uri: registry.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
```

## Source
YAML 1.2 section 3.2.1.1 (mapping keys are unique). Which value Palette keeps is not documented; the
finding asks for one key (inference).
"""

from __future__ import annotations

from typing import Iterator

from linter.api import ALL_DOCUMENT_KINDS, Document, Issue, RuleContext, Span, rule


@rule(id="PAL001", name="duplicate-key", kinds=ALL_DOCUMENT_KINDS, severity="error", tags=("correctness",))
def check(doc: Document, ctx: RuleContext) -> Iterator[Issue]:
    for duplicate in doc.duplicates:
        first = duplicate.first
        yield Issue(
            f"duplicate key '{duplicate.key}' (first defined at line {doc.outer_span(first).line})",
            help="YAML parsers disagree on which of the two values wins; keep one",
            at=duplicate.path,
            span=Span(duplicate.second.line, duplicate.second.column, duplicate.second.end_line,
                      duplicate.second.end_column),
            value=str(doc.outer_span(duplicate.second).line),
        )
