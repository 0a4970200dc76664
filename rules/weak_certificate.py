"""Certificates must use strong keys and signatures.

## What it does
Reports every certificate in a profile or user-data, at its own line, that has:

- an RSA or DSA key under 2048 bits;
- an elliptic-curve key under 256 bits (P-256 and larger are fine);
- a signature made with SHA-1 or MD5 (also MD2/MD4). A self-signed CA's signature on itself is not
  checked: TLS clients trust a root for being in their trust store, not for its self-signature.

In the examples, `<<PEM rsa1024>>` and `<<PEM sha1>>` stand for a certificate with a 1024-bit RSA key and
one signed with SHA-1, `<<PEM ec-p256>>` for one with a P-256 key (the test suite generates real ones).

## Why is this bad?
These keys can be factored and these signatures forged with affordable computing, so the certificate no
longer proves who the registry is. Current TLS clients refuse them: Go (Kubernetes, containerd) rejects
SHA-1 signed certificates since Go 1.18, and OpenSSL's default security level refuses keys under 2048 bits,
so the image pulls fail as well.

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
            <<PEM rsa1024>>
          - |
            <<PEM sha1>>
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
            <<PEM ec-p256>>
```

## Source
- Minimum key sizes and the end of SHA-1: CA/Browser Forum Baseline Requirements (6.1.5, 7.1.3) and NIST
  SP 800-131A; Go 1.18 release notes (crypto/x509 rejects SHA-1 signatures); OpenSSL security levels
  (`SSL_CTX_set_security_level`). That Palette's agent applies the same checks is an inference.
"""

from __future__ import annotations

from typing import Iterator

from linter.api import ALL_DOCUMENT_KINDS, Document, Issue, RuleContext, pem, rule

_WEAK_HASHES = {"sha1": "SHA-1", "md5": "MD5", "md4": "MD4", "md2": "MD2"}


@rule(id="PAL207", name="weak-certificate", kinds=ALL_DOCUMENT_KINDS, severity="error",
      tags=("tls", "certificates", "security"))
def check(doc: Document, ctx: RuleContext) -> Iterator[Issue]:
    for text, block, cert in pem.certificates(doc):
        weaknesses = []
        if cert.key_type in ("RSA", "DSA") and cert.key_bits < 2048:
            weaknesses.append(f"a {cert.key_bits}-bit {cert.key_type} key")
        if cert.key_type == "EC" and cert.key_bits < 256:
            weaknesses.append(f"a {cert.key_bits}-bit elliptic-curve key")
        if cert.signature_hash in _WEAK_HASHES and not (cert.self_signed and cert.is_ca):
            weaknesses.append(f"a {_WEAK_HASHES[cert.signature_hash]} signature")
        if not weaknesses:
            continue
        yield Issue(
            f"{pem.describe(cert)} is weak: {' and '.join(weaknesses)}",
            help="it can be forged, and current TLS clients refuse it, so image pulls fail; reissue it with a "
                 "2048-bit RSA or P-256 key (at least) signed with SHA-256",
            at=text.path, span=pem.block_span(doc, text, block), value=f"{block.line}")
