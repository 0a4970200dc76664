"""Certificates must already be valid.

## What it does
Reports every certificate in a profile or user-data whose validity starts after the run's date (today, or
`--now` / the configuration's `now:` key), at the certificate's own line. In the examples,
`<<PEM not-yet-valid>>` stands for a certificate valid from 30 days on and `<<PEM leaf>>` for a valid one
(the test suite generates real ones).

## Why is this bad?
TLS clients refuse a certificate before its `notBefore` date just as after its expiry: image pulls from
the registry fail with `x509: certificate has expired or is not yet valid` until then. It usually means a
renewed certificate was pasted before its start date, or it was issued by a machine with a wrong clock.

## Example
```yaml
#cloud-config
stylus:
  site:
    caCerts:
      - |
        <<PEM not-yet-valid>>
```

## Use instead
```yaml
#cloud-config
stylus:
  site:
    caCerts:
      - |
        <<PEM leaf>>
```

## Source
- Validity periods are RFC 5280 (4.1.2.5, 6.1.3); Go's crypto/x509 rejects a certificate before its
  `notBefore`. That Palette's agent checks certificates this way is an inference.
- Certificate fields: "Installer Configuration" (`caCerts`, `registries[].certificates`) and "Deploy
  Cluster with a Private Provider Registry"; palette-formats.md 1.1-1.3, 2.3.
"""

from __future__ import annotations

from typing import Iterator

from linter.api import ALL_DOCUMENT_KINDS, Document, Issue, RuleContext, pem, rule


@rule(id="PAL204", name="certificate-not-yet-valid", kinds=ALL_DOCUMENT_KINDS, severity="error",
      tags=("tls", "certificates"))
def check(doc: Document, ctx: RuleContext) -> Iterator[Issue]:
    for text, block, cert in pem.certificates(doc):
        if cert.not_before > ctx.now:
            yield Issue(
                f"{pem.describe(cert)} is not valid before {pem.day(cert.not_before)}",
                help=f"checked against {pem.day(ctx.now)}: TLS clients refuse it until then, so image pulls from the "
                     "registry fail; use the certificate that is valid now, or deploy after that date",
                at=text.path, span=pem.block_span(doc, text, block), value=f"{block.line}")
