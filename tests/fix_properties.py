"""What every fix must keep true, checked on a directory of files (the before/after fixtures, and files that
hypothesis generates): after fixing, every changed file parses; the findings fixed are gone; no new finding
appears, except at a value the fix changed that now reads as written (quoting ``******`` reveals a placeholder
password); each document's parsed data differs only at the YAML paths the fixes name; and a second ``--fix``
changes nothing. A file that did not parse before its fix is checked for the first time after it, so every finding
there is new: for it, parsing is the property."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Optional

from linter.config.resolver import ConfigChoice, ConfigResolver
from linter.engine.pipeline import Engine
from linter.engine.request import RunRequest
from linter.engine.rule_loader import load_rules
from linter.fix.loop import FixOutcome, fix_until_stable
from linter.inputs import read_file
from linter.inputs.reader import ParsedFile
from linter.model import Finding
from linter.palette.credentials import HIDDEN_KEY
from linter.redact import REDACTED
from linter.resources import rules_dir
from linter.validation.store import SchemaStore
from linter.yaml.composer import YamlParser
from linter.yaml.paths import format_path
from linter.yaml.source import SourceFile
from tests.helpers import FIXED_NOW

_ENGINE: list[Engine] = []


def engine() -> Engine:
    if not _ENGINE:
        _ENGINE.append(Engine(load_rules([rules_dir()])))
    return _ENGINE[0]


def request_for(directory: Path, overlay: Optional[dict[str, bytes]] = None) -> RunRequest:
    """A run over ``directory`` as ``check`` makes it: each file under its folder's configuration."""
    resolver = ConfigResolver(ConfigChoice(), YamlParser(), SchemaStore())
    config = resolver.run_config(directory)
    return RunRequest(paths=(str(directory),), config=config, config_for=lambda path: resolver.governing(Path(path)),
                      now=FIXED_NOW, root=directory, overlay=overlay or {}, markdown=True)


def fix_directory(directory: Path, unsafe: bool) -> FixOutcome:
    """The fixes of every file under ``directory``, applied in memory (nothing is written)."""
    return fix_until_stable(engine().run, request_for(directory), unsafe)


def _parse(path: str, text: str) -> ParsedFile:
    opened: dict[str, SourceFile] = {}

    def open_file(absolute: str) -> Any:
        try:
            return opened.setdefault(absolute, SourceFile(Path(absolute).read_text(encoding="utf-8"), absolute,
                                                          absolute))
        except OSError:
            return None

    return read_file(YamlParser(), SourceFile(text, path, path), True, path, open_file)


def _leaves(parsed: ParsedFile) -> dict[str, Any]:
    """Every scalar (and empty collection) of every document of a file, by its YAML path from the file's root;
    the strings that hold embedded documents are left out (their documents are compared instead)."""
    hosts = {format_path(doc.outer_path(())) for doc in parsed.documents if doc.parent is not None}
    out: dict[str, Any] = {}
    for doc in parsed.documents:
        for path, value in doc.walk():
            if isinstance(value, (dict, list)) and value:
                continue
            where = format_path(doc.outer_path(path))
            if where not in hosts:
                out[where] = value
    return out


def _under(path: str, changed: set[str]) -> bool:
    """Whether ``path`` is one of ``changed`` or inside one. A key that may be a secret (in a credentials mapping)
    is hidden in a fix's paths as in any report: it stands for any one key."""
    for candidate in changed:
        pattern = re.escape(candidate).replace(re.escape(REDACTED), r"[^.\[]+")
        pattern = pattern.replace(re.escape(format_path((HIDDEN_KEY,))), r'(?:\.[^.\[]+|\["(?:[^"\\]|\\.)*"\])')
        if re.match(pattern + r"(?:$|[.\[])", path):
            return True
    return False


def _key(finding: Finding) -> tuple[str, str, str]:
    return finding.rule_id, finding.location.path, finding.location.yaml_path


def check_properties(directory: Path, unsafe: bool) -> FixOutcome:
    """Fix the files of ``directory`` and assert the properties; the outcome, for more checks."""
    before_run = engine().run(request_for(directory))
    outcome = fix_directory(directory, unsafe)
    changed_paths: dict[str, set[str]] = {}
    for applied in outcome.applied:
        changed_paths.setdefault(applied.finding.location.path, set()).update(applied.fix.paths)
    unparsed: set[str] = set()  # checked for the first time once fixed: every finding there is new
    for absolute in outcome.changed:
        after = _parse(absolute, outcome.after[absolute])
        assert not after.failures, f"{absolute} does not parse once fixed: {[f.message for f in after.failures]}"
        before = _parse(absolute, outcome.before[absolute].text)
        if before.failures:
            unparsed.add(Path(absolute).relative_to(directory).as_posix())
            continue  # nothing parsed before to compare with
        relative = Path(absolute).relative_to(directory).as_posix()
        changed = changed_paths.get(relative, set())
        old, new = _leaves(before), _leaves(after)
        differing = sorted(path for path in set(old) | set(new)
                           if old.get(path, KeyError) != new.get(path, KeyError) and not _under(path, changed))
        assert not differing, f"{relative}: data changed where no fix says: {differing}"
    final = outcome.run.active_findings
    remaining = {f.fingerprint for f in final}
    for applied in outcome.applied:
        assert applied.finding.fingerprint not in remaining, f"still reported after its fix: {applied.finding}"
    known = {_key(f) for f in before_run.findings}
    for finding in final:
        if _key(finding) in known or finding.location.path in unparsed:
            continue
        changed = changed_paths.get(finding.location.path, set())
        assert finding.location.yaml_path and _under(finding.location.yaml_path, changed), \
            f"a new finding after fixing: {finding.rule_id} {finding.location.path}:{finding.location.span.line} " \
            f"{finding.location.yaml_path} {finding.message}"
    overlay = {path: outcome.before[path].encoded(text) for path, text in outcome.after.items()}
    again = fix_until_stable(engine().run, request_for(directory, overlay), unsafe)
    assert not again.applied, f"a second --fix changes more: {[a.fix.title for a in again.applied]}"
    assert not again.changed
    return outcome
