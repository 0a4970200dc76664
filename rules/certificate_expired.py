"""Certificates must not be expired.

## What it does
Reports every certificate in a profile or user-data (the certificate fields and any other PEM certificate)
whose validity ended before the run's date, at the certificate's own line. The date is today, or the one
given with `--now` or the configuration's `now:` key for reproducible runs. CA certificates count too: an
expired CA invalidates every certificate it signed. In the examples, `<<PEM expired>>` stands for an
expired PEM certificate and `<<PEM leaf>>` for a valid one (the test suite generates real ones).

## Why is this bad?
TLS clients refuse an expired certificate: the edge host's image pulls from the registry fail with
`x509: certificate has expired or is not yet valid`, and the cluster does not deploy. The OS layer's
certificates can only be set when a cluster is created, so deploying with an expired one means rebuilding.

## Example
```yaml
#cloud-config
stylus:
  externalRegistries:
    registries:
      - domain: harbor.example.com
        username: robot-edge
        password: "not-shown-here"
        certificates:
          - |
            <<PEM expired>>
```

## Use instead
```yaml
#cloud-config
stylus:
  externalRegistries:
    registries:
      - domain: harbor.example.com
        username: robot-edge
        password: "not-shown-here"
        certificates:
          - |
            <<PEM leaf>>
```

## Source
- Validity periods and their check are RFC 5280 (4.1.2.5, 6.1.3); Go's crypto/x509, used by Kubernetes
  and containerd, rejects an expired certificate. That Palette's agent checks registry certificates this
  way is an inference.
- Certificate fields: "Deploy Cluster with a Private Provider Registry" (certificates only on new clusters)
  and "Installer Configuration"; palette-formats.md 1.2, 1.3, 2.3.
"""

from __future__ import annotations

from typing import Iterator

from linter.api import ALL_DOCUMENT_KINDS, Document, Issue, RuleContext, pem, rule


@rule(id="PAL202", name="certificate-expired", kinds=ALL_DOCUMENT_KINDS, severity="error",
      tags=("tls", "certificates"))
def check(doc: Document, ctx: RuleContext) -> Iterator[Issue]:
    for text, block, cert in pem.certificates(doc):
        if cert.not_after < ctx.now:
            yield Issue(
                f"{pem.describe(cert)} expired on {pem.day(cert.not_after)}",
                help=f"checked against {pem.day(ctx.now)}: TLS clients refuse it, so image pulls from the registry "
                     "fail; replace it with the renewed certificate",
                at=text.path, span=pem.block_span(doc, text, block), value=f"{block.line}")
