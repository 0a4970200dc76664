"""A TLS certificate for the private registry cannot be added to a profile that existing clusters use.

## What it does
Compares the OS layer of a deployed profile with its base revision (`--base-ref`, or pre-commit's refs)
and reports, at the `certificates` key, a registry certificate that was added or changed:
`providerCredentials.certificates`, and the `certificates` of registry settings written in the OS layer
(`registryCredentials`, `externalRegistries.registries[]`, a `providerCredentials` block elsewhere).
Whitespace and line breaks inside the PEM text do not count as a change; a removed certificate is not
reported. The base version is cited as a related location. In the examples, `<<PEM ca>>` stands for the
registry's PEM CA certificate (the test suite generates a real one).

A profile or OS-layer file is deployed when it existed at the base revision; a file added since is for
new clusters and is not checked. The `deployed:` and `new:` path patterns of `.palette-lint.yaml`
override this. A new file listed under `deployed:` is compared with the file git finds it was copied from
(a profile version kept as a new file: `infra-v2.yaml` from `infra-v1.yaml`), else with an empty profile,
so every certificate in it counts as added. Without a base revision the rule is skipped, and the run says
so.

## Why is this bad?
Palette sets the certificate of a TLS-enabled private registry only when a cluster is created. The
clusters already running this profile never receive a certificate added later: after they move to the
new profile version they still do not trust the registry, and pulls of the provider image fail at the
next repave or on a replaced node. Only a new cluster gets the certificate.

## Example
```yaml
# file: before/values.yaml
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
# file: after/values.yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: harbor.example.com
  user: robot-edge
  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
  certificates: |
    <<PEM ca>>
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
```

## Use instead
A new profile (a new file) for the clusters that need the certificate, created with it; the deployed
profile keeps its values:
```yaml
# file: before/values.yaml
providerCredentials:
  registry: harbor.example.com
  user: robot-edge
  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
# file: after/values.yaml
providerCredentials:
  registry: harbor.example.com
  user: robot-edge
  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
# file: after/tls-site/values.yaml
providerCredentials:
  registry: harbor.example.com
  user: robot-edge
  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
  certificates: |
    <<PEM ca>>
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
```

## Source
"Deploy Cluster with a Private Provider Registry", Limitations: for a TLS-enabled private registry the
certificate can only be configured when a cluster is created, and cannot be added to an existing cluster
(https://docs.spectrocloud.com/clusters/edge/site-deployment/deploy-custom-registries/deploy-private-registry/).
"Edge Cluster Upgrade Behavior" lists `providerCredentials.*` changes as a no-op for existing clusters
(https://docs.spectrocloud.com/clusters/edge/cluster-management/upgrade-behavior/). Treating a file that
existed at the base revision as deployed, and applying the limitation to the certificates of registry
settings written in the OS layer, are inferences.
"""

from __future__ import annotations

from typing import Any, Iterator, Optional

from linter.api import OS_LAYER, Document, Issue, Related, RuleContext, YamlPath, format_path, rule

#: Keys under which a ``certificates`` value is a registry's TLS trust.
REGISTRY_SETTINGS = frozenset({"providerCredentials", "registryCredentials", "externalRegistries"})


@rule(id="PAL105", name="tls-certificate-on-existing-cluster", scope="change", kinds={OS_LAYER},
      severity="error", tags=("correctness", "provider-registry", "tls"))
def check(before: Optional[Document], after: Document, ctx: RuleContext) -> Iterator[Issue]:
    if not ctx.deployed:
        return
    for path in certificate_paths(after):
        now = _normalized(after.get(path))
        if now is None:
            continue
        then = _normalized(before.get(path)) if before is not None else None
        if now == then:
            continue
        verb = "added" if then is None else "changed"
        related: tuple[Related, ...] = ()
        if before is not None:
            what = "no certificates here" if then is None else "other certificates here"
            related = (Related(f"at the base revision {ctx.base}: {what}", at=path, doc=before),)
        yield Issue(
            f"{format_path(path)} {verb} in a deployed profile",
            help="Palette sets a private registry's TLS certificate only when a cluster is created, so the clusters "
                 "already using this profile never get it and will fail to pull from the registry; create new "
                 "clusters with this profile version (and keep existing ones on a version without the change), or "
                 "list the file under new: in .palette-lint.yaml if no cluster uses it yet",
            at=path, part="key", related=related,
        )


def certificate_paths(doc: Document) -> list[YamlPath]:
    """Where the OS layer's registry settings hold certificates, in document order."""
    found = []
    for path in doc.find_key("certificates"):
        if any(step in REGISTRY_SETTINGS for step in path[:-1] if isinstance(step, str)):
            found.append(tuple(path))
    return found


def _normalized(value: Any) -> Any:
    """PEM text without blanks and empty lines (a list of such for a list); None when there is none."""
    if value is None:
        return None
    if isinstance(value, list):
        items = tuple(item for item in (_normalized(v) for v in value) if item is not None)
        return items or None
    text = "\n".join(line.strip() for line in str(value).splitlines() if line.strip())
    return text or None
