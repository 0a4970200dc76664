"""A server certificate given for a registry must name that registry's host.

## What it does
For the certificates of a credentials block (`providerCredentials.certificates` with its `registry`, and a
user-data registry's `certificates` with its `domain`), reports a leaf certificate (one that is not a CA)
whose subject alternative names do not cover the registry's host, at the certificate's own line. DNS
names match case-insensitively, a wildcard (`*.example.com`) stands for exactly one left-most label, IP
addresses match only IP entries, and the port and path of the registry are ignored. The subject's common
name is not used, as modern TLS clients do not use it. CA certificates are fine: they sign the registry's
certificate rather than name it. A registry given as a macro is not checked. In the examples,
`<<PEM other-host>>` stands for a certificate issued for `registry.other.example` and `<<PEM ca>>` for a CA
certificate (the test suite generates real ones).

## Why is this bad?
A TLS client checks that the server's certificate names the host it connected to. A certificate for
another host is either the wrong file or the registry's own certificate pasted where its CA belongs; the
pulls fail with `x509: certificate is valid for ..., not ...` as soon as the edge host contacts the
registry.

## Example
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: harbor.example.com:8443
  user: robot-edge
  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
  certificates: |
    <<PEM other-host>>
options:
  system.uri: harbor.example.com:8443/edge/ubuntu-k3s:v1.30.4-v4.5.3
```

## Use instead
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: harbor.example.com:8443
  user: robot-edge
  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
  certificates: |
    <<PEM ca>>
options:
  system.uri: harbor.example.com:8443/edge/ubuntu-k3s:v1.30.4-v4.5.3
```

## Source
- Host name checks against subject alternative names, wildcards and IP addresses: RFC 6125 (6.4) and
  RFC 2818 (3.1); Go's crypto/x509 ignores the common name since Go 1.15.
- Which registry a certificate is for: "Deploy Cluster with a Private Provider Registry"
  (`providerCredentials.registry` and `certificates`) and "Installer Configuration" (`registries[].domain`
  and `certificates`); palette-formats.md 1.3 and 2.3. That Palette verifies the host this way is an
  inference.
"""

from __future__ import annotations

from typing import Iterator

from linter.api import ALL_DOCUMENT_KINDS, Document, Issue, Related, RuleContext, pem, rule


@rule(id="PAL205", name="certificate-host-mismatch", kinds=ALL_DOCUMENT_KINDS, severity="error",
      tags=("tls", "certificates"))
def check(doc: Document, ctx: RuleContext) -> Iterator[Issue]:
    for text, block, cert in pem.certificates(doc):
        if cert.is_ca:
            continue
        host, registry_path = pem.registry_of(doc, text)
        if not host or cert.covers(host):
            continue
        names = [*cert.dns_names, *cert.ip_addresses]
        issued = f"it is issued for {', '.join(names[:5])}{', ...' if len(names) > 5 else ''}" if names else \
            "it has no subject alternative names, and the common name is not used"
        yield Issue(
            f"{pem.describe(cert)} is not issued for the registry {host}",
            help=f"{issued}: TLS clients refuse it for {host}, so image pulls fail; give the registry's CA "
                 "certificate, or a certificate issued for this host",
            at=text.path, span=pem.block_span(doc, text, block), value=f"{block.line}|{host}",
            related=(Related(f"the registry, {host}", at=registry_path),))
