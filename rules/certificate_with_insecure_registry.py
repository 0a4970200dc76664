"""A registry must not be both marked `insecure: true` and given certificates.

## What it does
Reports a registry entry (a user-data `stylus.externalRegistries.registries[]` item, `registryCredentials`,
or any other mapping with both keys) that sets `insecure: true` and also gives `certificates`, at the
`insecure` line, citing the certificates. In the examples, `<<PEM ca>>` stands for a CA certificate (the
test suite generates real ones).

## Why is this bad?
`insecure: true` lets the edge host talk to the registry without verifying its TLS certificate (or over
plain HTTP), so the certificates are never used. One of the two is a mistake: either the registry was
meant to be verified and `insecure` was left over from a test, which leaves the image pulls open to a
machine in the middle, or the certificates are dead weight that someone will later trust to be in effect.

## Example
```yaml
#cloud-config
stylus:
  externalRegistries:
    registries:
      - domain: harbor.example.com
        username: robot-edge
        password: "not-shown-here"
        insecure: true
        certificates:
          - |
            <<PEM ca>>
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
        insecure: false
        certificates:
          - |
            <<PEM ca>>
```

## Source
- `registries[].insecure` ("allow insecure connections") and `registries[].certificates`: "Installer
  Configuration" (https://docs.spectrocloud.com/clusters/edge/edge-configuration/installer-reference/);
  palette-formats.md 1.2, 1.3 and 6. That `insecure` skips certificate verification, making the
  certificates unused, is an inference from the usual meaning of the flag in container registry clients
  (containerd's `insecure_skip_verify`, Docker's insecure registries).
"""

from __future__ import annotations

from typing import Any, Iterator

from linter.api import ALL_DOCUMENT_KINDS, Document, Issue, Related, RuleContext, format_path, rule


@rule(id="PAL208", name="certificate-with-insecure-registry", kinds=ALL_DOCUMENT_KINDS, severity="warning",
      tags=("tls", "certificates", "security"))
def check(doc: Document, ctx: RuleContext) -> Iterator[Issue]:
    if "insecure" not in doc.own_text:
        return
    for path in doc.find_key("insecure"):
        if doc.get(path) is not True:
            continue
        owner = path[:-1]
        certificates = doc.get(owner + ("certificates",))
        if not _given(certificates):
            continue
        name = doc.get(owner + ("domain",)) or doc.get(owner + ("registry",))
        which = f"the registry {name}" if isinstance(name, str) and name.strip() else format_path(owner)
        yield Issue(
            f"{which} is marked insecure: true and also given certificates",
            help="with insecure the edge host does not verify the registry's TLS certificate, so the certificates "
                 "are never used; remove insecure: true to verify the registry with them, or remove the certificates",
            at=path, part="value",
            related=(Related("the certificates that insecure: true makes unused", at=owner + ("certificates",)),))


def _given(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return any(isinstance(item, str) and item.strip() for item in value)
    return False
