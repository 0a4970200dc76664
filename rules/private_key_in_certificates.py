"""Profiles and user-data must not contain private keys.

## What it does
Reports every PEM private key block (`PRIVATE KEY`, `RSA PRIVATE KEY`, `EC PRIVATE KEY`,
`ENCRYPTED PRIVATE KEY`, `OPENSSH PRIVATE KEY`, ...) anywhere in a profile, a pack's values or user-data,
at the block's own line: in a certificate field, where it is usually pasted together with the
certificate by mistake, and anywhere else (a file that `stages` writes, say). The key itself is never
printed, in any output format. In the examples, `<<PEM leaf+private-key>>` stands for a certificate
followed by its private key (the test suite generates real ones).

## Why is this bad?
Palette needs only the CA certificate to trust a registry. A private key in a file that goes into git, a
profile export or an ISO is readable by everyone who can read those, for ever: it lets them impersonate
the registry (or whatever the key belongs to). Once committed, the key must be treated as compromised.

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
            <<PEM leaf+private-key>>
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
            <<PEM ca>>
```

## Source
- "Deploy Cluster with a Private Provider Registry" and "Installer Configuration": the `certificates`
  fields take the certificates that verify the registry; nothing in Palette reads a private key from them
  (palette-formats.md 1.3, 2.3).
- That a committed private key is compromised and must be rotated is common security practice (OWASP
  Secrets Management Cheat Sheet); applying it to every private key in these files is an inference.
"""

from __future__ import annotations

from typing import Iterator

from linter.api import ALL_DOCUMENT_KINDS, Document, Issue, RuleContext, leaf_name, pem, rule


@rule(id="PAL206", name="private-key-in-certificates", kinds=ALL_DOCUMENT_KINDS, severity="error",
      tags=("security", "secrets", "certificates"))
def check(doc: Document, ctx: RuleContext) -> Iterator[Issue]:
    for text in pem.pem_texts(doc):
        for block in text.blocks:
            if not block.is_private_key:
                continue
            where = leaf_name(text.path)
            advice = ("give only the CA certificate" if text.field else
                      "deliver the key to the host another way (a secret store, a provisioning step)")
            yield Issue(
                f"{where} holds a private key",
                help=f"a '{block.label}' block: anyone who can read this file, its git history or an export of it holds the key; remove it, "
                     f"treat the key as compromised and replace it, and {advice}",
                at=text.path, span=pem.block_span(doc, text, block), value=f"{block.line}")
