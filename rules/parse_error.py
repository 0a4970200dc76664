"""Files must be readable UTF-8 YAML or JSON that parses.

## What it does
Reports a file that cannot be read, decoded or parsed, at the line and column where parsing stopped, and
values that parse but not as meant. Known Palette traps get their own message and fix:

- a value that starts with `{{` unquoted: YAML reads it as a nested mapping, not as a macro;
- `password: ******` (the masked value in Palette's own examples): `*` starts a YAML alias;
- tab characters in indentation;
- binary files, text that is not UTF-8, files over the size limit, alias bombs and extreme nesting.

One such error does not hide the rest of the file where the repair is unambiguous: a plain value that
starts with a character YAML reserves (`*`, `&`, `@`, a backquote, an unquoted `{{`) on a `key: value` line
is masked, tabs in a line's indentation are read as the spaces the line before implies, and the file is
linted on; the finding's help says so, and no other rule reports on the masked value.

## Why is this bad?
Palette cannot use a file it cannot parse, and an unquoted macro is silently turned into a mapping: the
cluster gets no password or image at all. Users find out when an edge site fails to boot.

## Example
```yaml
providerCredentials:
  registry: registry.example.com
  user: edge
  password: {{.spectro.macro.REGISTRY_PASSWORD}}
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
- Macros must be quoted: Palette "Macros Support" and "Create Cluster Profile Variables" (wrap each
  variable in quotes); palette-formats.md 4.2.
- `password: ******` in "Deploy Cluster with a Private Provider Registry" is not valid YAML
  (palette-formats.md 4.3, a documentation bug).
- Linting past a masked value is an inference: the value itself is unknown (like a macro), so the rules
  that read it cannot judge it; everything else in the file is as Palette would read it once the value is
  quoted.
- Files that fail to parse are reported when named explicitly, or when a walked file looks like Palette
  configuration (it mentions `#cloud-config`, `stylus:`, `providerCredentials`, `system.uri`, ...);
  other unparsable YAML found by walking a directory (Helm templates, say) is skipped. This is an
  inference about intent.
"""

from __future__ import annotations

from typing import Iterator, Optional

from linter.api import ALL_DOCUMENT_KINDS, Document, Issue, RuleContext, Span, TextFix, YamlPath, fixes, rule


@rule(id="PAL000", name="parse-error", kinds=ALL_DOCUMENT_KINDS, severity="error", tags=("correctness",))
def check(doc: Document, ctx: RuleContext) -> Iterator[Issue]:
    # Files that do not parse at all are reported by the engine under this rule; here are the values that
    # parsed, but not as the author meant.
    for problem in doc.problems:
        yield Issue(problem.message, help=problem.help, at=problem.path, span=problem.span, value=problem.kind,
                    fix=_quoting(doc, problem.kind, problem.path, problem.span))


def _quoting(doc: Document, kind: str, path: YamlPath, span: Span) -> Optional[TextFix]:
    """The fix: quote the value as written. An unquoted macro that parsed as a mapping is that node's text; a
    value masked to lint past it (``******``, ``{{...}}`` that did not parse) is the text the mask covers."""
    title = "quote the macro" if kind == "unquoted-macro" else "quote the value"
    info = doc.info(path)
    if kind == "unquoted-macro" and info is not None and info.style == "":
        return fixes.safe(title, *(fixes.quote_value(doc, path) or (None,)))
    if kind not in ("unquoted-macro", "alias-star", "undefined-alias", "syntax"):
        return None
    # The value masked on the problem's line (one at most: a masked value runs to the line's end or its comment).
    covered = next((masked for masked in doc.masked if masked.line == span.line), None)
    return fixes.safe(title, *(fixes.quote_span(doc, covered) or (None,))) if covered is not None else None
