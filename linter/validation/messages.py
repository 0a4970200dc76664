"""Messages for schema errors that rules share: unknown keys with a did-you-mean, and which keys are allowed."""

from __future__ import annotations

import re
from typing import Any, Mapping, Optional

from linter.model import YamlPath
from linter.yaml.paths import leaf_name


def allowed_keys(schema: Any) -> list[str]:
    """The keys a mapping schema names in ``properties``, in the schema's order."""
    return list(schema.get("properties", {})) if isinstance(schema, dict) else []


def unknown_keys(schema: Any, instance: Any) -> list[str]:
    """Keys of ``instance`` that a schema with ``additionalProperties: false`` does not allow."""
    if not isinstance(schema, dict) or not isinstance(instance, dict):
        return []
    allowed = set(allowed_keys(schema))
    patterns = list(schema.get("patternProperties", {}))
    return [str(k) for k in instance if k not in allowed and not any(re.search(p, str(k)) for p in patterns)]


def container(path: YamlPath) -> str:
    """The name of the mapping (or list of mappings) that ``path`` points into: its last key."""
    names = [step for step in path if isinstance(step, str)]
    return names[-1] if names else ""


def unknown_key_message(path: YamlPath, key: str, allowed: list[str], *, reader: str, effect: str,
                        aliases: Mapping[str, Mapping[str, str]],
                        explanations: Mapping[str, Mapping[str, str]]) -> tuple[str, str]:
    """What to say of an unknown ``key`` in the mapping at ``path``: the message (with the key meant, when there is
    one: a known alias, or the closest allowed key) and the help (an explanation when one is known for that
    container, else what ignoring the key costs, or the keys that are read). ``reader`` is who ignores the key
    ("Palette", "the installer"); ``effect`` what that costs. A key of a credential mapping is not quoted: it
    may be a password typed where a key goes."""
    from linter.palette.credentials import is_credential_mapping

    shown = "" if is_credential_mapping(tuple(path)) else f" '{key}'"
    message = f"unknown key{shown} in {leaf_name(path) if path else 'the top level'}"
    name = container(path)
    explanation = explanations.get(name, {}).get(key)
    if explanation:
        return message, f"{reader} ignores it; {explanation}"
    meant = key_meant(path, key, allowed, aliases=aliases, clear_only=False)
    if meant is not None:
        return f"{message}: did you mean '{meant}'?", f"{reader} ignores it, so {effect}"
    return message, f"{reader} ignores it; the keys it reads are {', '.join(allowed)}"


def key_meant(path: YamlPath, key: str, allowed: list[str], *, aliases: Mapping[str, Mapping[str, str]],
              clear_only: bool = True) -> Optional[str]:
    """The allowed key an unknown ``key`` in the mapping at ``path`` stands for: a known alias, else the closest
    allowed key. ``clear_only``: only when that is the one clear correction (no other allowed key comes close),
    the condition for renaming it automatically."""
    meant = aliases.get(container(path), {}).get(key)
    if meant is not None:
        return meant if meant in allowed else None
    import difflib  # imported here: only a file with an unknown key needs a did-you-mean

    scored = sorted(((difflib.SequenceMatcher(None, key, candidate).ratio(), candidate) for candidate in allowed),
                    reverse=True)
    if not scored or scored[0][0] < 0.6:
        return None
    if clear_only and (scored[0][0] < 0.75 or (len(scored) > 1 and scored[1][0] > scored[0][0] - 0.15)):
        return None
    return scored[0][1]
