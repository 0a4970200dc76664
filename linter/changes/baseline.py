"""Only new findings: the baseline file, and the comparison of a run's findings with a base revision's and a
baseline's.

Findings are matched by fingerprint (rule, repository-relative file, YAML path and a digest of the offending
value), never by line, so an edit elsewhere in a file does not make an old finding new. A baseline file entry
matches a finding only when its rule, its path and its fingerprint all agree: the file is reviewed as text,
and an entry that shows a reviewer one rule in one file must not accept another rule's finding elsewhere
(fingerprints can be computed by anyone). The baseline file is JSON meant to be reviewed in git: sorted, one
entry per finding, no secrets (messages never hold any).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable, Iterable, Optional

from msgspec import Struct
from msgspec.structs import replace

from linter.inputs.reader import ParsedFile
from linter.model import Comparison, Finding, Location, Rule, Span, Suppression
from linter.yaml.paths import parse_yaml_path

BASELINE_VERSION = 1
NEW, UNCHANGED, ABSENT = "new", "unchanged", "absent"


class BaselineError(Exception):
    """A baseline file that cannot be used; the message names the file and the problem."""


class BaselineEntry(Struct, frozen=True):
    fingerprint: str
    rule_id: str
    path: str
    yaml_path: str
    message: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.rule_id, self.path, self.fingerprint)


class Baseline(Struct, frozen=True):
    source: str  # the file as given on the command line
    entries: tuple[BaselineEntry, ...]

    @property
    def keys(self) -> frozenset[tuple[str, str, str]]:
        """What identifies each entry: its rule, path and fingerprint."""
        return frozenset(entry.key for entry in self.entries)


def _key(finding: Finding) -> tuple[str, str, str]:
    return (finding.rule_id, finding.location.path, finding.fingerprint)


def parse_baseline(text: str, source: str) -> Baseline:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{source}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION:
        raise BaselineError(f"{source}: not a palette-lint baseline (expected an object with \"version\": "
                            f"{BASELINE_VERSION}); write one with --write-baseline")
    items = data.get("findings")
    if not isinstance(items, list):
        raise BaselineError(f"{source}: \"findings\" must be a list")
    entries = []
    for number, item in enumerate(items):
        fields = item if isinstance(item, dict) else {}
        fingerprint, rule_id, path = fields.get("fingerprint"), fields.get("rule"), fields.get("path")
        if not (isinstance(fingerprint, str) and fingerprint and isinstance(rule_id, str) and isinstance(path, str)):
            raise BaselineError(f"{source}: findings[{number}] needs a fingerprint, a rule and a path (strings)")
        yaml_path, message = fields.get("yamlPath"), fields.get("message")
        entries.append(BaselineEntry(fingerprint, rule_id, path, yaml_path if isinstance(yaml_path, str) else "",
                                     message if isinstance(message, str) else ""))
    return Baseline(source, tuple(entries))


def dump_baseline(findings: Iterable[Finding]) -> str:
    """A baseline of ``findings``: stable order and layout, so that its diff in review shows what changed."""
    entries = sorted(
        ({"rule": f.rule_id, "path": f.location.path, "yamlPath": f.location.yaml_path,
          "fingerprint": f.fingerprint, "message": f.message} for f in findings),
        key=lambda e: (e["path"], e["rule"], e["yamlPath"], e["fingerprint"]))
    document = {"version": BASELINE_VERSION, "tool": "palette-lint", "findings": entries}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def baseline_findings(findings: Iterable[Finding], comparison: Optional[Comparison]) -> list[Finding]:
    """The findings a baseline written now accepts: every finding that is reported or accepted by the
    comparison, not those suppressed another way."""
    accepted = comparison.accepted if comparison is not None else frozenset()
    return [f for f in findings if f.suppression is None or f.fingerprint in accepted]


#: Where a baseline entry's YAML path is in a file now: a span, or None when the file is not linted.
Locator = Callable[[str, str], Optional[Span]]


def compare(findings: tuple[Finding, ...], *, base_findings: Optional[tuple[Finding, ...]], base_label: str,
            baseline: Optional[Baseline], new_only: bool, rules: dict[str, Rule],
            locate: Locator) -> tuple[tuple[Finding, ...], tuple[Finding, ...], Comparison]:
    """Mark each finding ``new`` or ``unchanged`` and suppress the accepted ones (in the baseline file, or in
    the base revision with ``new_only``); return the findings, the absent (fixed) ones, and the counts.

    A baseline entry counts as fixed only when its rule ran and its file was linted (``locate`` finds it):
    a run over fewer files or rules says nothing about the others."""
    in_base = frozenset(f.fingerprint for f in base_findings or ())
    in_file = baseline.keys if baseline is not None else frozenset()
    current = {f.fingerprint for f in findings}
    current_keys = {_key(f) for f in findings}
    marked: list[Finding] = []
    accepted: set[str] = set()
    counts = {NEW: 0, UNCHANGED: 0}
    for finding in findings:
        state = UNCHANGED if finding.fingerprint in in_base or _key(finding) in in_file else NEW
        if finding.suppression is None:
            counts[state] += 1
            reason = _acceptance(finding, in_base, in_file, baseline, base_label, new_only)
            if reason:
                accepted.add(finding.fingerprint)
                finding = replace(finding, suppression=Suppression("external", reason))
        marked.append(replace(finding, baseline_state=state))
    absent: dict[str, Finding] = {}
    for finding in base_findings or ():
        if finding.fingerprint not in current and finding.suppression is None:
            absent.setdefault(finding.fingerprint, replace(finding, baseline_state=ABSENT))
    for entry in baseline.entries if baseline is not None else ():
        if entry.key in current_keys or entry.fingerprint in absent or entry.rule_id not in rules:
            continue
        span = locate(entry.path, entry.yaml_path)
        if span is not None:
            absent[entry.fingerprint] = _from_entry(entry, rules[entry.rule_id], span)
    fixed = tuple(sorted(absent.values(), key=Finding.sort_key))
    comparison = Comparison(base=base_label, baseline=baseline.source if baseline is not None else "",
                            new_only=new_only, new=counts[NEW], unchanged=counts[UNCHANGED], fixed=len(fixed),
                            accepted=frozenset(accepted))
    return tuple(marked), fixed, comparison


def locator(linted: Iterable[str], parse: Callable[[str], Optional[ParsedFile]], paths: Iterable[str],
            root: Path) -> Locator:
    """Where a baseline entry is in this run: in a linted file, at its YAML path (or the nearest ancestor);
    in a linted file that does not parse, or a deleted file under a linted directory, at its start; None
    for a file this run did not look at. ``linted`` are the repository-relative paths of the run's files;
    ``parse`` reads one of them again (only an entry that no finding matches is located)."""
    linted = set(linted)
    directories = [os.path.abspath(given) for given in paths if os.path.isdir(given)]
    start = Span(1, 1, 1, 2)

    def locate(path: str, yaml_path: str) -> Optional[Span]:
        if path in linted:
            parsed = parse(path)
            if parsed is None:
                return start
            steps = parse_yaml_path(yaml_path)
            doc = max((d for d in parsed.documents if steps[:len(d.base)] == d.base), key=lambda d: len(d.base),
                      default=parsed.documents[0])
            return doc.span_of(steps[len(doc.base):])
        absolute = os.path.join(root, path)
        if not os.path.lexists(absolute) and any(
                not os.path.relpath(absolute, d).startswith(os.pardir) for d in directories):
            return start
        return None

    return locate


def _acceptance(finding: Finding, in_base: frozenset[str], in_file: frozenset[tuple[str, str, str]],
                baseline: Optional[Baseline], base_label: str, new_only: bool) -> str:
    if _key(finding) in in_file and baseline is not None:
        return f"accepted in the baseline {baseline.source}"
    if new_only and finding.fingerprint in in_base:
        return f"unchanged since {base_label}; --new-only reports new findings only"
    return ""


def _from_entry(entry: BaselineEntry, rule: Rule, span: Span) -> Finding:
    location = Location(entry.path, entry.path, span, entry.yaml_path)
    return Finding(rule.id, rule.name, rule.severity, entry.message or rule.doc.summary, location,
                   fingerprint=entry.fingerprint, baseline_state=ABSENT)
