"""The effective configuration as text (``palette-lint config``): every setting after ``extends`` is merged
and defaults are filled in, each with the file and line it came from. Pure functions; the CLI prints.

The YAML form is itself a valid configuration (its values are written as JSON, which YAML reads), so it can
be saved as a flattened ``.palette-lint.yaml`` in the directory it names; the JSON form is for tools.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable

from linter.config.load import MERGED_BY_ENTRY, Config
from linter.model import Rule
from linter.yaml.paths import format_path

#: Every setting's default, in the order they are shown. ``now`` has none (the clock) and ``extends`` is
#: resolved away.
DEFAULTS: dict[str, Any] = {
    "select": ["ALL"],
    "ignore": [],
    "exclude": [],
    "per-file-ignores": {},
    "fail-on": "error",
    "rules": {},
    "clusters": [],
    "rule-dirs": [],
    "markdown": False,
}


def effective_settings(config: Config) -> dict[str, Any]:
    """The settings a run uses, as a configuration mapping: defaults, then the merged files."""
    out: dict[str, Any] = dict(DEFAULTS)
    for key, value in config.settings.items():
        if key == "rule-dirs":
            value = [_relative(Path(d), config.root) for d in value]
        out[key] = value
    return out


def origins(config: Config) -> dict[str, str]:
    """Where each setting (and each entry of a merged mapping) comes from: ``file:line:col`` or ``default``."""
    out: dict[str, str] = {}
    for key, value in effective_settings(config).items():
        if key in MERGED_BY_ENTRY:
            writers = sorted({source.shown for (name, *_entry), source in config.origins.items() if name == key})
            out[key] = ", ".join(writers) if writers else "default"
            for entry in value:
                # Every file that writes the entry, the extending one first: its settings win.
                places = [source.where((key, entry), "key") for source in config.sources
                          if entry in (source.data.get(key) or {})]
                if places:
                    out[format_path((key, entry))] = " over ".join(places)
        else:
            source = config.origin((key,))
            out[key] = source.where((key,), "key") if source is not None else "default"
    return out


def render_yaml(config: Config, enabled: Iterable[Rule]) -> str:
    settings = effective_settings(config)
    where = origins(config)
    lines = ["# palette-lint: the effective configuration"]
    lines.extend(_header(config))
    for key, value in settings.items():
        if key in MERGED_BY_ENTRY and value:
            lines.append(f"{key}:  # {where[key]}")
            for entry, setting in value.items():
                lines.append(f"  {json.dumps(entry, ensure_ascii=False)}: {_flow(setting)}  "
                             f"# {where.get(format_path((key, entry)), 'default')}")
        else:
            lines.append(f"{key}: {_flow(value)}  # {where[key]}")
    lines.append("# rules enabled: " + ", ".join(rule.id for rule in enabled))
    return "\n".join(lines) + "\n"


def render_json(config: Config, enabled: Iterable[Rule]) -> str:
    document = {
        "files": [{"path": source.shown, "form": source.form} for source in config.sources],
        "root": str(config.root),
        "settings": effective_settings(config),
        "origins": origins(config),
        "enabled-rules": [rule.id for rule in enabled],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _header(config: Config) -> list[str]:
    if not config.sources:
        return ["# no configuration file found: these are the defaults",
                f"# path patterns are relative to: {config.root}"]
    lines = ["# files read (a file's settings replace those of the file it extends; rules and",
             "# per-file-ignores are merged entry by entry):"]
    for number, source in enumerate(config.sources):
        extended = f"  (extended by {config.sources[number - 1].shown})" if number else ""
        form = "  [tool.palette-lint]" if source.form == "pyproject" else ""
        lines.append(f"#   {source.shown}{form}{extended}")
    lines.append(f"# path patterns are relative to: {config.root}")
    return lines


def _flow(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(os.path.relpath(path, root)).as_posix()
    except ValueError:
        return path.as_posix()
