"""A `# palette-lint:` suppression comment must give its reason after ` -- `.

## What it does
Reports a suppression comment without a reason: `# palette-lint: disable=PAL106` with nothing after the
rule list, an empty reason after ` -- `, or text after the rule list without the ` -- ` separator.

The suppression still applies (the finding it names is reported as suppressed, with an empty
justification): this finding takes its place, at the comment, so that the run still fails until someone
writes down why. Like PAL900 it comes from the engine, and a comment cannot suppress it.

## Why is this bad?
A suppression accepts a problem that Palette would otherwise meet on an edge site. Without a reason,
reviewers cannot tell whether it was a decision (a registry that is known to work) or a way to get a green
build, and nobody can tell later whether it still holds. The reason is what SARIF consumers show as the
suppression's justification.

## Example
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: 123456789012.dkr.ecr.us-east-1.amazonaws.com  # palette-lint: disable=PAL106
  user: AWS
  password: '{{.spectro.macro.ECR_LOGIN_PASSWORD}}'
options:
  system.uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
```

## Use instead
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  # palette-lint: disable-next-line=PAL106 -- lab cluster only; the token is refreshed by a cron job (OPS-42)
  registry: 123456789012.dkr.ecr.us-east-1.amazonaws.com
  user: AWS
  password: '{{.spectro.macro.ECR_LOGIN_PASSWORD}}'
options:
  system.uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
```

## Source
inference: palette-lint's own suppression contract, after Checkov's skip comments (`checkov:skip=ID:reason`)
and eslint-plugin-eslint-comments' `require-description`. A suppressed security finding without a written
reason cannot be reviewed.
"""

from __future__ import annotations

from typing import Iterator

from linter.api import ALL_DOCUMENT_KINDS, Document, Issue, RuleContext, rule


@rule(id="PAL901", name="suppression-without-reason", kinds=ALL_DOCUMENT_KINDS, severity="error",
      tags=("suppression",))
def check(doc: Document, ctx: RuleContext) -> Iterator[Issue]:
    # The engine reports this rule after reading the file's suppression comments (linter/suppress.py).
    return iter(())
