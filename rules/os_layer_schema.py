"""OS-layer values must match the BYOOS pack's documented shape.

## What it does
Validates the values of a profile's OS layer (the BYOOS `edge-native-byoi` pack; a standalone values
file or a pack's `values` inside a profile) against `schemas/os-layer.json`:

- `providerCredentials` takes exactly `registry`, `user`, `password` and `certificates`. Any other key is
  reported at the key, with a suggestion: `username` is `user`, `url`/`host`/`server`/`domain` is
  `registry`, `cert`/`ca`/`caCert` is `certificates`, and there is no `insecure` flag.
- `registry`, `user` and `password` are strings; `certificates` is a PEM string (a list of strings is
  accepted). In the examples, `<<PEM ca>>` stands for the registry's PEM CA certificate (the test suite
  generates a real one).
- `options` maps flat keys (`system.uri`) to scalars; `pack.content.images` is a list of `{image: ...}`;
  `stages` maps stage names to lists of steps.

Other top-level keys are allowed. Values that YAML reads as null, numbers or booleans in the credential
fields are left to `ambiguous-credential-value` (PAL002), which explains how YAML read them, and
`providerCredentials` under `options:` to `misplaced-provider-credentials` (PAL005).

## Why is this bad?
Palette ignores keys it does not know. A `username:` instead of `user:` sends no user name at all, and the
provider image pull fails on the edge host with an authentication error that does not mention the typo.
An `options` value written as a nested mapping (`system:` then `uri:`) is not the documented
`system.uri` option (reported as a warning: Palette may fall back to it).

## Example
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: harbor.example.com
  username: robot-edge
  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
  insecure: true
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
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
  certificates: |
    <<PEM ca>>
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
```

## Source
- "Deploy Cluster with a Private Provider Registry"
  (https://docs.spectrocloud.com/clusters/edge/site-deployment/deploy-custom-registries/deploy-private-registry/):
  `providerCredentials` at the root of the OS layer with `registry`, `user`, `password`, `certificates`.
- BYOOS values layout (`pack.content.images`, flat `options` keys): "Bring Your Own OS"
  (https://docs.spectrocloud.com/integrations/byoos/), CanvOS; palette-formats.md 2.2 and 2.3.
- The field types, the list form of `certificates` and the loose `stages` are inferences from the
  documented examples (no public schema of the pack exists; palette-formats.md 9); see schemas/README.md.
"""

from __future__ import annotations

from typing import Any, Iterator, Optional

from linter.api import (
    OS_LAYER,
    Document,
    Issue,
    RuleContext,
    Severity,
    TextFix,
    YamlPath,
    fixes,
    format_path,
    leaf_name,
    rule,
    schema_messages,
)

#: Unknown key (in a mapping named by the dict's key) -> the key meant, or an explanation.
_ALIASES: dict[str, dict[str, str]] = {
    "providerCredentials": {
        "username": "user", "userName": "user", "login": "user",
        "pass": "password", "passwd": "password", "pwd": "password", "secret": "password",
        "url": "registry", "host": "registry", "server": "registry", "domain": "registry",
        "registryUrl": "registry", "hostname": "registry",
        "certificate": "certificates", "cert": "certificates", "certs": "certificates", "ca": "certificates",
        "caCert": "certificates", "caCerts": "certificates", "cacert": "certificates",
    },
}
_EXPLAIN: dict[str, dict[str, str]] = {
    "providerCredentials": {
        "insecure": "providerCredentials has no 'insecure' flag: to trust a registry with a private CA, put "
                    "the CA in providerCredentials.certificates",
        "insecureSkipVerify": "providerCredentials has no TLS-skip flag: to trust a registry with a private "
                              "CA, put the CA in providerCredentials.certificates",
        "token": "Palette supports only basic user/password authentication for a provider registry",
        "auth": "Palette supports only basic user/password authentication for a provider registry",
    },
}
#: Fields whose null, number and boolean values PAL002 reports (with a better message).
_PAL002_FIELDS = {("providerCredentials", "registry"), ("providerCredentials", "user"),
                  ("providerCredentials", "password")}


def _unknown_key_message(path: YamlPath, key: str, allowed: list[str]) -> tuple[str, str]:
    return schema_messages.unknown_key_message(path, key, allowed, reader="Palette",
                                               effect="that setting never reaches the registry", aliases=_ALIASES,
                                               explanations=_EXPLAIN)


def _is_credential_scalar(path: YamlPath, instance: Any) -> bool:
    return tuple(path) in _PAL002_FIELDS and (instance is None or isinstance(instance, (bool, int, float)))


def _hint(path: YamlPath, keyword: str) -> str:
    text = format_path(path)
    if text.startswith("providerCredentials.certificates"):
        return "write the PEM certificates as one block scalar ('certificates: |')"
    if text.startswith("providerCredentials"):
        return "write providerCredentials as a mapping of registry, user, password and certificates"
    if text.startswith("pack.content.images"):
        return "list each image as '- image: <reference>'"
    if text.startswith("stages"):
        return "each stage is a list of steps ('- name: ...')"
    if text.startswith("options"):
        return "write options as flat 'system.key: value' pairs"
    if keyword == "required":
        return "add the missing key"
    return "change it to the documented type"


def _rename(doc: Document, path: YamlPath, key: str, allowed: list[str], mapping: Any) -> Optional[TextFix]:
    """Rename a misspelled key to the one clear correction, unless the mapping has that key already."""
    if key in _EXPLAIN.get(schema_messages.container(path), {}):
        return None  # a key with no counterpart ('insecure'): the help explains what to do instead
    meant = schema_messages.key_meant(path, key, allowed, aliases=_ALIASES)
    if meant is None or not isinstance(mapping, dict) or meant in mapping:
        return None
    return fixes.safe(f"rename the key to '{meant}'", fixes.rename_key(doc, path + (key,), meant),
                      paths=(path + (key,), path + (meant,)))


@rule(id="PAL003", name="os-layer-schema", kinds={OS_LAYER}, severity="error", tags=("correctness", "schema"))
def check(doc: Document, ctx: RuleContext) -> Iterator[Issue]:
    if not isinstance(doc.data, dict):
        return
    for error in ctx.validate("os-layer", doc.data):
        path: YamlPath = tuple(error.path)
        if error.keyword == "additionalProperties":
            allowed = schema_messages.allowed_keys(error.schema)
            for key in schema_messages.unknown_keys(error.schema, error.instance):
                message, help = _unknown_key_message(path, str(key), allowed)
                yield Issue(message, help=help, at=path + (key,), part="key", value=str(key),
                            fix=_rename(doc, path, str(key), allowed, error.instance))
            continue
        if error.keyword == "type" and _is_credential_scalar(path, error.instance):
            continue  # PAL002 reports it, saying how YAML read the value
        if len(path) >= 2 and path[0] == "options" and str(path[1]).startswith("providerCredentials"):
            continue  # misplaced credentials: PAL005 says where they go
        where = leaf_name(path) if path else "the OS layer values"
        if len(path) == 2 and path[0] == "options" and isinstance(error.instance, (dict, list)):
            # Palette may fall back to nested keys (palette-formats.md 2.2 suggests accepting them with a
            # warning): report it one degree lower than a wrong type.
            shape = "a list" if isinstance(error.instance, list) else "a nested mapping"
            yield Issue(f"{where}: option values must be scalars, not {shape}",
                        help="the documented options are flat keys such as 'system.uri', and a nested mapping may "
                             "not be read as them; write each key flat (e.g. 'system.uri: ...' under options)",
                        at=path, part="auto", value="nested-option", severity=Severity.WARNING)
            continue
        yield Issue(f"{where}: {error.message}", help=f"Palette cannot use it; {_hint(path, error.keyword)}",
                    at=path, part="auto", value=error.keyword)
