"""Registry credentials must be a user name and password, not a token scheme (ECR, Google, Azure tokens).

## What it does
Checks the registry credentials Palette Edge uses: `providerCredentials` in the OS layer, and
`registryCredentials` and `externalRegistries.registries[]` in EdgeForge user-data. A credentials block
is reported when:
- its registry is one that authenticates with tokens: AWS ECR (`<account>.dkr.ecr.<region>.amazonaws.com`,
  the China `.amazonaws.com.cn` and `dkr.ecr-fips` endpoints included; always, since a private ECR
  registry cannot be pulled from anonymously), ECR Public (`public.ecr.aws`), Google Artifact Registry
  (`<location>-docker.pkg.dev`) and Google Container Registry (`gcr.io`, `*.gcr.io`) when credentials
  are given. An Azure registry (`*.azurecr.io`, `.cn`, `.us`) is reported only with the token user name;
- its user name is a token login: `AWS`, `oauth2accesstoken`, `_json_key`, `_json_key_base64`,
  `_dcgcloud_token`, or Azure's all-zero GUID `00000000-0000-0000-0000-000000000000`;
- its password looks like a token: a Google access token (`ya29.`), an ECR authorization token, or a JSON
  Web Token (three base64url parts starting `eyJ`). A password with `encodedPassword: true` is decoded
  first. The message never shows the password.
Palette's own public image sources (`us-docker.pkg.dev/palette-images`, `gcr.io/spectro-images-public`,
...) without credentials are not findings, and `registryMappingRules` keys are never checked: they are
the sources being rewritten, not registries Palette logs in to.

## Why is this bad?
Palette Edge logs in to registries with a fixed user name and password. Token schemes hand out passwords
that expire within hours (12 for ECR, 1 for a Google access token, 3 for an Azure token): the cluster
deploys while the token is fresh, then every later pull (a repave, a new node, an upgrade) fails with an
authorization error, and the token cannot be refreshed on the device.

## Example
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: 123456789012.dkr.ecr.us-east-1.amazonaws.com
  user: AWS
  password: '{{.spectro.macro.ECR_TOKEN}}'
options:
  system.uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
```
```yaml
#cloud-config
stylus:
  externalRegistries:
    registries:
      - domain: europe-west1-docker.pkg.dev/acme-edge/mirror
        username: oauth2accesstoken
        password: "not-shown-here"
```

## Use instead
```yaml
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
```
```yaml
#cloud-config
stylus:
  externalRegistries:
    registries:
      - domain: harbor.example.com:8443/mirror
        username: robot-edge
        password: "not-shown-here"
    registryMappingRules:
      "us-docker.pkg.dev/palette-images": harbor.example.com:8443/mirror
```

## Source
- "Deploy Cluster with a Private Provider Registry", Limitations: "Palette Edge supports basic
  username/password authentication. Token authentication schemes used by services such as AWS ECR and
  Google Artifact Registry are not supported."
  (https://docs.spectrocloud.com/clusters/edge/site-deployment/deploy-custom-registries/deploy-private-registry/).
- For provider images on ECR, "Deploy Cluster with an Amazon ECR Provider Registry"
  (https://docs.spectrocloud.com/clusters/edge/site-deployment/deploy-custom-registries/deploy-ecr-provider-registry/)
  documents a supported path for PXK-E in Agent Mode that uses a credential helper, not `providerCredentials`.
- The host patterns and token user names come from the registries' own authentication guides (AWS ECR
  registry authentication, Google Artifact Registry authentication, Azure Container Registry
  authentication). Applying the limitation to user-data registries, and to ECR Public, GCR and Azure
  token logins that the page does not name, is an inference: they are the same token schemes.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, Iterator, NamedTuple, Optional

from linter.api import OS_LAYER, USER_DATA, Document, Issue, RuleContext, YamlPath, format_path, images, macros, rule

ECR_PAGE = "'Deploy Cluster with an Amazon ECR Provider Registry'"
_ECR_SERVICES = ("AWS ECR", "AWS ECR Public")
_ZERO_GUID = "00000000-0000-0000-0000-000000000000"


class Block(NamedTuple):
    """One credentials block: where it is and the names of its fields. A named tuple rather than a frozen
    dataclass because it is several times cheaper to define (every run loads this module); blocks are only
    read by field name, never compared or unpacked."""

    path: YamlPath
    label: str
    host_key: str
    user_key: str
    provider: bool  # providerCredentials (True) or a user-data external registry (False)


@rule(id="PAL106", name="token-auth-registry", scope="document", kinds={OS_LAYER, USER_DATA}, severity="error",
      tags=("security", "provider-registry"))
def check(doc: Document, ctx: RuleContext) -> Iterator[Issue]:
    for block in _blocks(doc):
        issue = _check_block(doc, block)
        if issue is not None:
            yield issue


def _blocks(doc: Document) -> Iterator[Block]:
    if doc.kind == OS_LAYER:
        for path in doc.find_key("providerCredentials"):
            yield Block(path, format_path(path), "registry", "user", True)
        return
    for path in doc.find_key("registryCredentials"):
        yield Block(path, format_path(path), "domain", "username", False)
    for path in doc.find_key("externalRegistries"):
        registries = doc.get(path + ("registries",))
        if isinstance(registries, list):
            for index in range(len(registries)):
                entry = path + ("registries", index)
                yield Block(entry, format_path(entry), "domain", "username", False)


def _check_block(doc: Document, block: Block) -> Optional[Issue]:
    data = doc.get(block.path)
    if not isinstance(data, dict):
        return None
    host_text = _plain(data.get(block.host_key))
    user = _plain(data.get(block.user_key))
    password = _password(data)
    has_credentials = bool(user) or bool(password) or (
        isinstance(data.get("password"), str) and bool(data["password"].strip()))
    host = images.registry_host(host_text) if host_text else ""
    service = images.token_registry(host) if host else None
    if host_text and images.is_palette_public_source(host_text) and not has_credentials:
        return None
    user_token = images.token_username(user)
    password_token = images.token_password(password)
    reasons: list[str] = []
    anchor: Optional[YamlPath] = None
    part = "value"
    ecr = False
    if service is not None:
        token_host = service == "AWS ECR" or (
            service == "Azure Container Registry" and user is not None and user.strip() == _ZERO_GUID
        ) or (service not in ("AWS ECR", "Azure Container Registry") and has_credentials)
        if token_host:
            reasons.append(f"{host} is {service}")
            anchor = block.path + (block.host_key,)
            ecr = ecr or service in _ECR_SERVICES
    if user_token is not None:
        login = user.strip() if user else ""
        if reasons:
            reasons.append(f"{login} is its token user name")
        else:
            reasons.append(f"{login} is the token user name of {user_token}")
        anchor = anchor or block.path + (block.user_key,)
        ecr = ecr or user_token.startswith("AWS")
    if password_token is not None:
        reasons.append(f"the password looks like {password_token}")
        if anchor is None:
            anchor, part = block.path + ("password",), "key"
        ecr = ecr or "ECR" in password_token
    if not reasons or anchor is None:
        return None
    if ecr and block.provider:
        advice = (f"for a provider image on ECR follow {ECR_PAGE} (a credential helper, no providerCredentials), "
                  "or copy the image to a registry that takes a user name and password")
    elif ecr:
        advice = (f"mirror the images to a registry that takes a user name and password (for provider images on "
                  f"ECR see {ECR_PAGE})")
    else:
        advice = "mirror the images to a registry that takes a user name and password (Harbor, Zot, a Docker registry)"
    scheme = (service if service is not None and anchor == block.path + (block.host_key,) else None) \
        or user_token or password_token or service
    return Issue(
        # The scheme's name alone ("Google Cloud", not what it means): the help gives the detail.
        f"{block.label} uses token authentication ({scheme.split(' (')[0]})",
        help=f"{', '.join(reasons)}: Palette Edge supports only basic user name and password authentication, so "
             f"the image pulls fail; {advice}",
        at=anchor, part=part, value=f"{host}|{user.strip() if user_token and user else ''}",
    )


def _plain(value: Any) -> Optional[str]:
    """A field's text, None when it is missing, not text, empty or a macro (unknown here)."""
    if not isinstance(value, str) or not value.strip() or macros.contains_macro(value):
        return None
    return value


def _password(data: dict[str, Any]) -> Optional[str]:
    password = _plain(data.get("password"))
    if password is None or data.get("encodedPassword") is not True:
        return password
    try:
        return base64.b64decode(password.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return password
