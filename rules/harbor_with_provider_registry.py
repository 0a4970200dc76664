"""A private provider registry cannot be combined with a local Harbor registry.

## What it does
Reports the `providerCredentials` of a cluster's OS layer when a profile of the same cluster includes:
- the pack `harbor-edge-native-config` (Harbor Edge-Native Config, the local Harbor registry): an error;
- the pack `registry-connect` together with `harbor` or `zot` (the in-cluster primary registry that
  replaces Harbor Edge-Native Config): a warning, as an inference.
The finding sits on `providerCredentials` and cites the registry pack in the profile. Agent Mode
(`system.uri: NA`, no provider image) is left to `provider-image-reference` (PAL108).

## Why is this bad?
Palette documents that private provider registries cannot be used in clusters with a local Harbor registry:
Harbor caches and redirects the cluster's image pulls, and the compatibility matrix lists an authenticated
provider registry as incompatible with it (a public provider registry and an authenticated external registry
both work). The cluster fails to pull its provider image, or ignores the credentials.

## Example
```yaml
# file: infra.yaml
name: edge-store-infra
cloudType: edge-native
packs:
  - name: edge-native-byoi
    layer: os
    values: |
      providerCredentials:
        registry: harbor.example.com
        user: robot-edge
        password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
      options:
        system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
# file: addons.yaml
name: edge-store-addons
cloudType: edge-native
packs:
  - name: harbor-edge-native-config
    layer: addon
    version: 1.0.0
    values: |
      harbor-config:
        auth:
          password: '{{.spectro.macro.HARBOR_ADMIN_PASSWORD}}'
```

## Use instead
```yaml
# file: infra.yaml
name: edge-store-infra
cloudType: edge-native
packs:
  - name: edge-native-byoi
    layer: os
    values: |
      options:
        system.uri: quay.io/acme-public/ubuntu-k3s:v1.30.4-v4.5.3
# file: addons.yaml
name: edge-store-addons
cloudType: edge-native
packs:
  - name: harbor-edge-native-config
    layer: addon
    version: 1.0.0
    values: |
      harbor-config:
        auth:
          password: '{{.spectro.macro.HARBOR_ADMIN_PASSWORD}}'
```

## Source
- "Deploy Cluster with a Private Provider Registry", Limitations: "You cannot use private provider
  registries for clusters with a local Harbor registry."
  (https://docs.spectrocloud.com/clusters/edge/site-deployment/deploy-custom-registries/deploy-private-registry/);
  "Enable Local Harbor Registry"
  (https://docs.spectrocloud.com/clusters/edge/site-deployment/deploy-custom-registries/local-registry/) and
  the compatibility matrix of "Deploy Cluster with Custom Registries"
  (https://docs.spectrocloud.com/clusters/edge/site-deployment/deploy-custom-registries/).
- Inference (warning): Registry Connect with a Harbor or Zot pack is the documented replacement of Harbor
  Edge-Native Config and plays the same role (an in-cluster registry that redirects pulls), so the
  limitation most likely applies to it too; the page names only the local Harbor registry.
"""

from __future__ import annotations

from typing import Iterator

from linter.api import (
    ALL_DOCUMENT_KINDS,
    Cluster,
    Document,
    Issue,
    Related,
    RuleContext,
    Severity,
    YamlPath,
    macros,
    rule,
)

CREDENTIALS = ("providerCredentials",)
HARBOR_CONFIG = "harbor-edge-native-config"
REGISTRY_CONNECT = "registry-connect"
IN_CLUSTER_REGISTRIES = ("harbor", "zot")


@rule(id="PAL104", name="harbor-with-provider-registry", scope="cluster", kinds=ALL_DOCUMENT_KINDS,
      severity="error", tags=("correctness", "provider-registry"))
def check(cluster: Cluster, ctx: RuleContext) -> Iterator[Issue]:
    layers = [doc for doc in cluster.os_layers
              if isinstance(doc.get(CREDENTIALS), dict) and not macros.provider_image(doc.data).agent_mode]
    if not layers:
        return
    packs: dict[str, tuple[Document, YamlPath]] = {}
    for profile, info in cluster.packs():
        packs.setdefault(info.name.strip().lower(), (profile, info.path + ("name",)))
    if HARBOR_CONFIG in packs:
        profile, at = packs[HARBOR_CONFIG]
        for layer in layers:
            yield Issue(
                "providerCredentials in a cluster with a local Harbor registry",
                help=f"the pack {HARBOR_CONFIG} in {profile.display_path} deploys local Harbor, and Palette cannot "
                     "combine a private provider registry with it; serve the provider image from a public registry "
                     "or through the external registry in user-data and remove providerCredentials, or remove the "
                     "Harbor pack",
                at=CREDENTIALS, part="key", doc=layer,
                related=(Related(f"the local Harbor registry pack {HARBOR_CONFIG}", at=at, doc=profile),),
                value=HARBOR_CONFIG,
            )
        return
    registry = next((name for name in IN_CLUSTER_REGISTRIES if name in packs), None)
    if REGISTRY_CONNECT not in packs or registry is None:
        return
    profile, at = packs[REGISTRY_CONNECT]
    for layer in layers:
        yield Issue(
            f"providerCredentials in a cluster with an in-cluster registry ({registry})",
            help=f"{REGISTRY_CONNECT} with {registry} in {profile.display_path} replaces the local Harbor registry, "
                 "which cannot be combined with a private provider registry: the same limitation most likely "
                 "applies; serve the provider image from a public registry or through the external registry in "
                 "user-data and remove providerCredentials",
            at=CREDENTIALS, part="key", doc=layer, severity=Severity.WARNING,
            related=(Related(f"the {REGISTRY_CONNECT} pack", at=at, doc=profile),
                     Related(f"the {registry} pack", at=packs[registry][1], doc=packs[registry][0])),
            value=f"{REGISTRY_CONNECT}+{registry}",
        )
