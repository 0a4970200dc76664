"""Certificates should not expire within the next days (30 by default).

## What it does
Reports every certificate in a profile or user-data that is valid on the run's date but expires within
`days` days (option, default 30), at the certificate's own line. The run's date is today, or `--now` /
the configuration's `now:` key. Set the window in the configuration:

```yaml
rules:
  certificate-expires-soon: {days: 60}
```

In the examples, `<<PEM expires-soon>>` stands for a certificate that expires in 10 days and `<<PEM leaf>>`
for one valid for a year (the test suite generates real ones).

## Why is this bad?
Edge sites are installed weeks after their configuration is written, and run unattended: a certificate
that expires soon breaks image pulls (a repave, a new node, an upgrade) shortly after the site is
installed, and the OS layer's certificates cannot be changed on an existing cluster.

## Example
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: harbor.example.com
  user: robot-edge
  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
  certificates: |
    <<PEM expires-soon>>
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
  certificates: |
    <<PEM leaf>>
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
```

## Source
- "Deploy Cluster with a Private Provider Registry"
  (https://docs.spectrocloud.com/clusters/edge/site-deployment/deploy-custom-registries/deploy-private-registry/):
  a TLS certificate can only be configured on a new cluster, not added to an existing one.
- The 30-day default window is an inference (the usual renewal lead time of ACME clients and monitoring).
"""

from __future__ import annotations

import datetime as _dt
from typing import Iterator

from linter.api import ALL_DOCUMENT_KINDS, Document, Issue, RuleContext, pem, rule


@rule(id="PAL203", name="certificate-expires-soon", kinds=ALL_DOCUMENT_KINDS, severity="warning",
      options={"days": 30}, tags=("tls", "certificates"))
def check(doc: Document, ctx: RuleContext) -> Iterator[Issue]:
    days = max(int(ctx.option("days", 30)), 0)
    horizon = ctx.now + _dt.timedelta(days=days)
    for text, block, cert in pem.certificates(doc):
        if ctx.now <= cert.not_after < horizon:
            left = (cert.not_after - ctx.now).days
            yield Issue(
                f"{pem.describe(cert)} expires in {left} day{'s' if left != 1 else ''}, on {pem.day(cert.not_after)}",
                help=f"checked against {pem.day(ctx.now)} (warning window: {days} days): image pulls from the "
                     "registry fail from then on, and the OS layer's certificates cannot be changed on an existing "
                     "cluster; renew it before deploying",
                at=text.path, span=pem.block_span(doc, text, block), value=f"{block.line}")
