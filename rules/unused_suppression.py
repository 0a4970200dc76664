"""A `# palette-lint:` suppression comment must suppress a finding.

## What it does
Reports a suppression comment that hides nothing: no finding of the rules it names on its line (`disable`),
on the next line (`disable-next-line`) or in the file (`disable-file`); a comment that names a rule that
does not exist; and a comment that cannot be read (a misspelt directive such as `disable-line`, or no rule
list). Rules that did not run (left out by `select` or `ignore`) are not reported: palette-lint cannot tell
whether their suppressions are needed. In a file that did not parse, only unreadable comments and unknown
rules are reported.

The finding points at the comment. It comes from the engine, which reads the comments after the rules have
run; a comment cannot suppress it (use `ignore` or `per-file-ignores` in the configuration).

## Why is this bad?
A suppression outlives the problem it was written for. Once the problem is fixed, the comment hides the
next problem of that kind on that line or in that file without anyone deciding to; a misspelt comment never
hid anything, and the finding it was meant for is still reported.

## Example
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: harbor.example.com  # palette-lint: disable=PAL106 -- the ECR mirror needs a token for now
  user: robot-edge
  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
```

## Use instead
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: harbor.example.com
  user: robot-edge
  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
```

## Source
inference: palette-lint's own suppression contract, after ruff's `unused-noqa` (RUF100) and eslint's
`--report-unused-disable-directives`. A suppression is a decision about one finding; when that finding is
gone the comment is stale.
"""

from __future__ import annotations

from typing import Iterator

from linter.api import ALL_DOCUMENT_KINDS, Document, Issue, RuleContext, rule


@rule(id="PAL900", name="unused-suppression", kinds=ALL_DOCUMENT_KINDS, severity="warning",
      tags=("suppression",))
def check(doc: Document, ctx: RuleContext) -> Iterator[Issue]:
    # The engine reports this rule after reading the file's suppression comments (linter/suppress.py).
    return iter(())
