"""`stylus.registryCredentials` in user-data makes the profile's `providerCredentials` ignored.

## What it does
Reports the `providerCredentials` of a cluster's OS layer when the cluster's EdgeForge user-data sets
`stylus.registryCredentials` (the single external registry). The finding sits on `providerCredentials` in
the profile, cites `stylus.registryCredentials` in the user-data, and says where the provider image is
pulled from instead: the registry's `domain` (with its path) prefixed to the original image reference.

Split with `external-registry-ignores-provider-credentials` (PAL102), so that one pair of files gives one
finding: this rule covers `stylus.registryCredentials` when the cluster's user-data has no
`stylus.externalRegistries`; when it has, PAL102 reports instead. Both anchor on `providerCredentials`.
Agent Mode (`system.uri: NA`) is left to `provider-image-reference` (PAL108).

## Why is this bad?
The Palette documentation warns that credentials in the `registryCredentials` field of the user-data win:
the credentials in the cluster profile are ignored, and the provider image is pulled through that registry.
The `providerCredentials` block is dead configuration that suggests the image comes from somewhere else,
and the deployment fails if the provider image was not pushed to the external registry. A warning rather
than an error, as the documentation itself frames it: `registryCredentials` is the "one registry for every
image" setup, and when that registry holds the provider image the cluster deploys; the user-data also
cannot be changed once the host is installed, so the fix is usually in the profile.

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
  registryCredentials:
    domain: 10.10.254.254:8000/spectro-images
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
  registryCredentials:
    domain: 10.10.254.254:8000/spectro-images
    username: robot-edge
    password: "not-shown-here"
```

## Source
- "Deploy Cluster with a Private Provider Registry", warning under step 5: "If you have specified registry
  credentials in the registryCredentials field in the user data file during the EdgeForge process, the
  credentials provided in the cluster profile will be ignored."
  (https://docs.spectrocloud.com/clusters/edge/site-deployment/deploy-custom-registries/deploy-private-registry/).
- The domain prefix: "Deploy Cluster with a Private External Registry"
  (https://docs.spectrocloud.com/clusters/edge/site-deployment/deploy-custom-registries/deploy-external-registry/)
  and "Installer Configuration" (https://docs.spectrocloud.com/clusters/edge/edge-configuration/installer-reference/).
- Inference: the split with PAL102 and the severity are this linter's choices.
"""

from __future__ import annotations

from typing import Iterator

from linter.api import OS_LAYER, USER_DATA, Cluster, Issue, Related, RuleContext, images, macros, rule

CREDENTIALS = ("providerCredentials",)
SINGLE = ("stylus", "registryCredentials")
EXTERNAL = ("stylus", "externalRegistries")


@rule(id="PAL103", name="user-data-credentials-override", scope="cluster", kinds={OS_LAYER, USER_DATA},
      severity="warning", tags=("correctness", "provider-registry"))
def check(cluster: Cluster, ctx: RuleContext) -> Iterator[Issue]:
    if any(isinstance(doc.get(EXTERNAL), dict) for doc in cluster.user_data):
        return  # external-registry-ignores-provider-credentials (PAL102) reports this cluster
    user_data = [doc for doc in cluster.user_data if isinstance(doc.get(SINGLE), dict)]
    if not user_data:
        return
    doc = user_data[0]
    domain = doc.get(SINGLE + ("domain",))
    domain = domain.strip() if isinstance(domain, str) else ""
    for layer in cluster.os_layers:
        if not isinstance(layer.get(CREDENTIALS), dict):
            continue
        image = macros.provider_image(layer.data)
        if image.agent_mode:
            continue
        if domain and image.reference is not None:
            where = f", and the provider image is pulled as {images.prefixed_reference(domain, image.display)}"
        elif domain:
            where = f", and the provider image is pulled through {images.prefixed_reference(domain, '').rstrip('/')}"
        else:
            where = ""
        yield Issue(
            "the user-data's registryCredentials override providerCredentials",
            help=f"the credentials of {doc.describe()} win over the profile's{where}; remove providerCredentials, "
                 "and make sure the provider image is in that registry",
            at=CREDENTIALS, part="key", doc=layer,
            related=(Related("stylus.registryCredentials overrides the profile's providerCredentials",
                             at=SINGLE, doc=doc),),
            value=doc.path,
        )
