"""`providerCredentials` is ignored when the user-data configures `stylus.externalRegistries`.

## What it does
Reports the `providerCredentials` of a cluster's OS layer when the cluster's EdgeForge user-data sets
`stylus.externalRegistries` (registries, or a mapping rule that matches the provider image). The finding
sits on `providerCredentials` in the profile, cites the user-data, and says where the provider image will
really be pulled from:
- the target of the `registryMappingRules` entry whose source prefix matches the image
  (`us-docker.pkg.dev/palette-images/edge/os:v1` with the rule
  `us-docker.pkg.dev/palette-images: harbor.example.com/mirror` becomes `harbor.example.com/mirror/edge/os:v1`);
- otherwise the external registry's domain, with its path, prefixed to the original reference
  (`harbor.example.com:8443/edge` + `quay.io/acme/os:v1` = `harbor.example.com:8443/edge/quay.io/acme/os:v1`).

Split with `user-data-credentials-override` (PAL103), so that one pair of files gives one finding:
this rule covers `stylus.externalRegistries` (whether or not `registryCredentials` is also set);
PAL103 covers `stylus.registryCredentials` alone. Both anchor on `providerCredentials`. Agent Mode
(`system.uri: NA`) is left to `provider-image-reference` (PAL108).

## Why is this bad?
Palette documents that with an external registry the provider registry is ignored and the provider image
is pulled from the external registry instead. The credentials in the profile do nothing, and unless the
provider image was also pushed to the external registry under the rewritten path, the edge host fails to
pull it. Error, because this is a listed limitation of the private provider registry: the configuration as
written cannot do what it says.

## Example
```yaml
# file: values.yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: quay.example.com
  user: robot-edge
  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
options:
  system.uri: quay.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
# file: user-data
#cloud-config
stylus:
  externalRegistries:
    registries:
      - domain: harbor.example.com:8443/edge
        username: robot-edge
        password: "not-shown-here"
```

## Use instead
```yaml
# file: values.yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
options:
  system.uri: quay.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
# file: user-data
#cloud-config
stylus:
  externalRegistries:
    registries:
      - domain: harbor.example.com:8443/edge
        username: robot-edge
        password: "not-shown-here"
```

## Source
- "Deploy Cluster with a Private Provider Registry", Limitations: "If you have already specified an external
  registry, the provider registry will be ignored and the provider images will be pulled from the external
  registry instead."
  (https://docs.spectrocloud.com/clusters/edge/site-deployment/deploy-custom-registries/deploy-private-registry/).
- The prefix and mapping rewrite: "Deploy Cluster with a Private External Registry" and "Installer
  Configuration" (`registryMappingRules`,
  https://docs.spectrocloud.com/clusters/edge/edge-configuration/installer-reference/).
- Inference: with several registries and no matching mapping rule, the first registry entry is named as
  the one the image is pulled through (the order Palette uses is undocumented); mapping rules alone that do
  not match the provider image are not taken as an external registry for it.
"""

from __future__ import annotations

from typing import Iterator, Optional

from linter.api import (
    OS_LAYER,
    USER_DATA,
    Cluster,
    Document,
    Issue,
    Related,
    RuleContext,
    YamlPath,
    images,
    macros,
    rule,
)

CREDENTIALS = ("providerCredentials",)
EXTERNAL = ("stylus", "externalRegistries")


@rule(id="PAL102", name="external-registry-ignores-provider-credentials", scope="cluster",
      kinds={OS_LAYER, USER_DATA}, severity="error", tags=("correctness", "provider-registry"))
def check(cluster: Cluster, ctx: RuleContext) -> Iterator[Issue]:
    user_data = [doc for doc in cluster.user_data if isinstance(doc.get(EXTERNAL), dict)]
    if not user_data:
        return
    for layer in cluster.os_layers:
        credentials = layer.get(CREDENTIALS)
        if not isinstance(credentials, dict):
            continue
        image = macros.provider_image(layer.data)
        if image.agent_mode:
            continue
        reference = image.display if image.reference is not None else ""
        for doc in user_data:
            found = _pull_target(doc, reference)
            if found is None:
                continue
            where, at, note = found
            registry = credentials.get("registry")
            source = f" instead of from {images.registry_host(registry)}" \
                if isinstance(registry, str) and registry.strip() and not macros.contains_macro(registry) else ""
            yield Issue(
                "the user-data's external registry overrides providerCredentials",
                help=f"with {doc.describe()}'s external registry, the provider image is pulled {where}{source}; push "
                     "the provider image there and remove providerCredentials, or drop the external registry",
                at=CREDENTIALS, part="key", doc=layer, related=(Related(note, at=at, doc=doc),),
                value=doc.path,
            )
            break


def _pull_target(doc: Document, reference: str) -> Optional[tuple[str, YamlPath, str]]:
    """Where the external registry of ``doc`` sends the provider image: (text for the message, the
    user-data path to cite, the related note); None when it does not apply to the image."""
    external = doc.get(EXTERNAL)
    mapping_rules = external.get("registryMappingRules")
    if reference:
        mapped = images.mapping_rule_for(reference, mapping_rules)
        if mapped is not None:
            source, rewritten = mapped
            return (f"as {rewritten} (registryMappingRules maps {source})",
                    EXTERNAL + ("registryMappingRules", source),
                    f"this mapping rule rewrites the provider image to {rewritten}")
    registries = external.get("registries")
    if isinstance(registries, list):
        for index, entry in enumerate(registries):
            domain = entry.get("domain") if isinstance(entry, dict) else None
            if isinstance(domain, str) and domain.strip():
                at = EXTERNAL + ("registries", index, "domain")
                shown = images.prefixed_reference(domain, "").rstrip("/")
                if reference:
                    rewritten = images.prefixed_reference(domain, reference)
                    return (f"as {rewritten} through the external registry {shown}", at,
                            f"the external registry the provider image is pulled through ({rewritten})")
                return (f"through the external registry {shown}", at,
                        "the external registry the provider image is pulled through")
        if registries:
            return ("through the external registry", EXTERNAL + ("registries",), "the external registries")
    return None
