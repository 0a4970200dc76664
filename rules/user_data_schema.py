"""EdgeForge user-data must start with `#cloud-config` and match the installer's documented keys.

## What it does
Checks a user-data file (installer or site user-data):

- its first line must be exactly `#cloud-config`;
- `stylus.registryCredentials` takes only `domain`, `username`, `password`, `encodedPassword` and
  `insecure`; each entry of `stylus.externalRegistries.registries` takes only `domain`, `username`,
  `password`, `repositoryName`, `certificates`, `insecure` and `encodedPassword`;
  `stylus.externalRegistries` takes only `registries` and `registryMappingRules`;
- the types of those fields (strings, booleans, a list of PEM strings, a map of strings) and of the other
  documented `stylus` settings (`managementMode`, `localUI.port`, `site.insecureSkipVerify`, ...);
- `stylus.externalRegistry` and `stylus.repositoryMapping`, which no Palette document or code knows.

Unknown keys get a suggestion (`user` is `username`, `registry`/`url`/`host` is `domain`,
`externalRegistry` is `externalRegistries`, `repositoryMapping` is `registryMappingRules`, `certificate`
is `certificates`). Other `stylus` keys, `install`, `stages`, `users` and other Kairos keys are tolerated.
Credential values that YAML reads as null, numbers or booleans are left to `ambiguous-credential-value`
(PAL002).

## Why is this bad?
The installer ignores keys it does not know, so a misspelt registry setting leaves the edge host without
its registry: it tries the public registries and fails in an air-gapped site. Without the `#cloud-config`
line the file is not cloud-config at all, and `palette-edge-cli validate` rejects it.

## Example
```yaml
stylus:
  site:
    paletteEndpoint: api.spectrocloud.com
  registryCredentials:
    domain: harbor.example.com
    username: robot-edge
    password: "s3cret-value"
```

```yaml
#cloud-config
stylus:
  externalRegistry:
    registries:
      - registry: harbor.example.com:8443/edge
        user: robot-edge
        password: "s3cret-value"
        insecure: "false"
```

## Use instead
```yaml
#cloud-config
stylus:
  site:
    paletteEndpoint: api.spectrocloud.com
  externalRegistries:
    registries:
      - domain: harbor.example.com:8443/edge
        username: robot-edge
        password: "s3cret-value"
        insecure: false
    registryMappingRules:
      "us-docker.pkg.dev/palette-images": harbor.example.com:8443/edge
```

## Source
- "Installer Configuration" (https://docs.spectrocloud.com/clusters/edge/edge-configuration/installer-reference/):
  the `stylus` parameters, `registryCredentials` and `externalRegistries`; palette-formats.md 1.1 to 1.3.
- The `#cloud-config` first line: "Validate User Data" and "Site User Data" (palette-formats.md 1.1).
- `registryCredentials.insecure` is in the older reference table and in every example, but not in the
  current table; one string for `certificates` is accepted because the external-registry page writes one;
  `externalRegistry` and `repositoryMapping` appear in no Spectro document or code and are reported as
  typos (palette-formats.md 1.3; inferences, see schemas/README.md).
"""

from __future__ import annotations

from typing import Any, Iterator

from linter.api import (
    USER_DATA,
    Document,
    Issue,
    RuleContext,
    Span,
    YamlPath,
    format_path,
    leaf_name,
    rule,
    schema_messages,
)

_CREDENTIAL_ALIASES = {
    "user": "username", "userName": "username", "login": "username",
    "pass": "password", "passwd": "password", "pwd": "password", "secret": "password",
    "registry": "domain", "url": "domain", "host": "domain", "server": "domain", "hostname": "domain",
    "registryUrl": "domain",
    "insecureSkipVerify": "insecure", "skipTLSVerify": "insecure", "skipTlsVerify": "insecure",
    "encoded": "encodedPassword", "base64": "encodedPassword", "passwordEncoded": "encodedPassword",
}
#: Unknown key (in a mapping named by the dict's key; "registries" is an entry of that list) -> key meant.
_ALIASES: dict[str, dict[str, str]] = {
    "registryCredentials": dict(_CREDENTIAL_ALIASES),
    "registries": {
        **_CREDENTIAL_ALIASES,
        "certificate": "certificates", "cert": "certificates", "certs": "certificates", "ca": "certificates",
        "caCert": "certificates", "caCerts": "certificates", "cacert": "certificates",
        "repository": "repositoryName", "repo": "repositoryName", "repositoryname": "repositoryName",
    },
    "externalRegistries": {
        "registry": "registries", "registryList": "registries",
        "repositoryMapping": "registryMappingRules", "registryMapping": "registryMappingRules",
        "mappingRules": "registryMappingRules", "registryMappingRule": "registryMappingRules",
        "mappings": "registryMappingRules",
    },
}
_EXPLAIN: dict[str, dict[str, str]] = {
    "registryCredentials": {
        key: "registryCredentials has no certificates field: put the registry's CA in stylus.site.caCerts, "
             "or use stylus.externalRegistries.registries[].certificates"
        for key in ("certificates", "certificate", "cert", "certs", "ca", "caCert", "caCerts")
    },
}
_CREDENTIAL_FIELDS = {"domain", "username", "password"}


def _unknown_key_message(path: YamlPath, key: str, allowed: list[str]) -> tuple[str, str]:
    return schema_messages.unknown_key_message(path, key, allowed, reader="the installer",
                                               effect="that setting never takes effect", aliases=_ALIASES,
                                               explanations=_EXPLAIN)


def _is_credential_scalar(path: YamlPath, instance: Any) -> bool:
    """Whether PAL002 reports this value (a credential field YAML read as null, a number or a boolean)."""
    if not path or path[-1] not in _CREDENTIAL_FIELDS:
        return False
    parent = tuple(path[:-1])
    in_place = parent == ("stylus", "registryCredentials") or (
        len(parent) == 4 and parent[:3] == ("stylus", "externalRegistries", "registries"))
    return in_place and (instance is None or isinstance(instance, (bool, int, float)))


def _hint(path: YamlPath, keyword: str, schema: Any) -> str:
    text = format_path(path)
    if keyword == "enum":
        return "the installer knows no other value, so use one of them"
    if text.endswith("certificates") or text.endswith("caCerts"):
        return "write a list of PEM strings ('- |' followed by the certificate)"
    if isinstance(schema, dict) and schema.get("type") == "boolean":
        return "write true or false without quotes"
    if text.startswith("stages"):
        return "each stage is a list of steps ('- name: ...')"
    if "registryMappingRules" in text:
        return "map each source prefix to a target 'host/path' string"
    return "change it to the documented type"


@rule(id="PAL004", name="user-data-schema", kinds={USER_DATA}, severity="error", tags=("correctness", "schema"))
def check(doc: Document, ctx: RuleContext) -> Iterator[Issue]:
    if doc.header.lstrip("\ufeff").rstrip() != "#cloud-config":
        yield Issue(
            "user-data does not start with the line '#cloud-config'",
            help="without it the file is not read as cloud-config and palette-edge-cli validate rejects it; add a "
                 "first line that holds only '#cloud-config'",
            span=Span(1, 1, 1, 2), value="header",
        )
    if not isinstance(doc.data, dict):
        return
    for error in ctx.validate("user-data", doc.data):
        path: YamlPath = tuple(error.path)
        if error.keyword == "additionalProperties":
            allowed = schema_messages.allowed_keys(error.schema)
            for key in schema_messages.unknown_keys(error.schema, error.instance):
                message, help = _unknown_key_message(path, str(key), allowed)
                yield Issue(message, help=help, at=path + (key,), part="key", value=str(key))
            continue
        if error.keyword == "not" and isinstance(error.schema, dict) and "x-did-you-mean" in error.schema:
            where = leaf_name(path[:-1]) if path[:-1] else "the top level"
            meant = error.schema["x-did-you-mean"]
            yield Issue(
                f"unknown key '{path[-1]}' in {where}: did you mean '{meant}'?",
                help="no Palette setting has this name, so the installer ignores it",
                at=path, part="key", value=str(path[-1]),
            )
            continue
        if error.keyword == "type" and _is_credential_scalar(path, error.instance):
            continue  # PAL002 reports it, saying how YAML read the value
        where = leaf_name(path) if path else "the user-data"
        hint = _hint(path, error.keyword, error.schema)
        help = hint if error.keyword == "enum" else f"the installer cannot use it; {hint}"
        yield Issue(f"{where}: {error.message}", help=help, at=path, part="auto", value=error.keyword)
