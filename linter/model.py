"""The value types that flow through a run: severities, spans, issues, findings, rules and the run."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator, NamedTuple, Union

from linter.frozen import Frozen

if TYPE_CHECKING:  # pragma: no cover
    from linter.document import Document
    from linter.redact import Secrets

#: A YAML path: mapping keys (which may contain dots, such as ``"system.uri"``) and sequence indexes.
YamlPath = tuple[Union[str, int], ...]


class Severity(enum.IntEnum):
    """Finding severities; their names are SARIF levels, their order is the fail threshold's order."""

    NOTE = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}: use error, warning or note") from None

    @property
    def label(self) -> str:
        return self.name.lower()


class Span(NamedTuple):
    """A region of a file: 1-based lines and columns; ``end_column`` is the column after the last character.

    A named tuple rather than a frozen dataclass: the parser records one or two per node, and a tuple is
    several times cheaper to make. It is immutable and orders by position all the same."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int) -> Span:
        return cls(line, column, line, column + 1)


# Related and Issue, which rule modules make, stay dataclasses; the engine's own types below are Frozen classes,
# which cost nothing to define (linter/frozen.py).
@dataclass(frozen=True)
class Related:
    """Another place that explains an issue: possibly in another document of the same cluster."""

    message: str
    at: YamlPath = ()
    doc: Document | None = None


@dataclass(frozen=True)
class Issue:
    """What a rule reports: what is wrong and where, as a YAML path in a document.

    ``part`` chooses what the path points at: ``"key"`` (the mapping key), ``"value"`` (the value) or
    ``"auto"`` (the value for scalars, the key for mappings and sequences). ``span``, in the document's own
    coordinates, gives a place a path cannot: the engine's parse findings, or a line inside a string (a PEM
    block's, from ``Document.line_span``), with ``at`` still naming the string. ``severity`` is a suggestion (a rule with two
    degrees of the same problem); the configured severity always wins. ``doc`` is required in cluster and
    change rules, which see several documents. ``value`` is a stable digest of the offending value that
    makes the fingerprint tell apart two issues at the same path; never put a secret in clear here, the
    engine hashes it.
    """

    message: str
    at: YamlPath = ()
    part: str = "auto"
    doc: Document | None = None
    related: tuple[Related, ...] = ()
    severity: Severity | None = None
    span: Span | None = None
    value: str = ""


class Location(Frozen):
    """Where a finding is: a repository-relative path, the path as the user gave it, a span, a YAML path."""

    __slots__ = ("path", "display_path", "span", "yaml_path")
    path: str
    display_path: str
    span: Span
    yaml_path: str

    def __init__(self, path: str, display_path: str, span: Span, yaml_path: str = "") -> None:
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "display_path", display_path)
        object.__setattr__(self, "span", span)
        object.__setattr__(self, "yaml_path", yaml_path)


class RelatedLocation(Frozen):
    __slots__ = ("location", "message")
    location: Location
    message: str

    def __init__(self, location: Location, message: str) -> None:
        object.__setattr__(self, "location", location)
        object.__setattr__(self, "message", message)


class Suppression(Frozen):
    """A suppression that applied to a finding and its reason: ``kind`` is SARIF's ``inSource`` (a comment) or
    ``external`` (the configuration's ``per-file-ignores``); ``location`` is where the suppression is written."""

    __slots__ = ("kind", "justification", "location")
    kind: str
    justification: str
    location: Location | None

    def __init__(self, kind: str, justification: str, location: Location | None = None) -> None:
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "justification", justification)
        object.__setattr__(self, "location", location)


class Finding(Frozen):
    __slots__ = ("rule_id", "rule_name", "severity", "message", "location", "related", "fingerprint", "suppression",
                 "line_hash", "baseline_state")
    rule_id: str
    rule_name: str
    severity: Severity
    message: str
    location: Location
    related: tuple[RelatedLocation, ...]
    fingerprint: str
    suppression: Suppression | None
    line_hash: str  # GitHub's primaryLocationLineHash of the start line (linter/line_hash.py)
    #: Compared with a base revision or a baseline file: ``new``, ``unchanged`` or ``absent`` (fixed); else "".
    baseline_state: str

    def __init__(self, rule_id: str, rule_name: str, severity: Severity, message: str, location: Location,
                 related: tuple[RelatedLocation, ...] = (), fingerprint: str = "",
                 suppression: Suppression | None = None, line_hash: str = "", baseline_state: str = "") -> None:
        object.__setattr__(self, "rule_id", rule_id)
        object.__setattr__(self, "rule_name", rule_name)
        object.__setattr__(self, "severity", severity)
        object.__setattr__(self, "message", message)
        object.__setattr__(self, "location", location)
        object.__setattr__(self, "related", related)
        object.__setattr__(self, "fingerprint", fingerprint)
        object.__setattr__(self, "suppression", suppression)
        object.__setattr__(self, "line_hash", line_hash)
        object.__setattr__(self, "baseline_state", baseline_state)

    def sort_key(self) -> tuple[Any, ...]:
        loc = self.location
        return (loc.path, loc.span.line, loc.span.column, self.rule_id, self.message)


class RuleDoc(Frozen):
    """A rule's documentation, taken from its module docstring."""

    __slots__ = ("summary", "markdown")
    summary: str
    markdown: str

    def __init__(self, summary: str, markdown: str) -> None:
        object.__setattr__(self, "summary", summary)
        object.__setattr__(self, "markdown", markdown)

    def section(self, heading: str) -> str:
        """The text under ``## heading`` (empty when the heading is missing)."""
        lines = self.markdown.splitlines()
        out: list[str] = []
        inside = False
        for line in lines:
            if line.startswith("## "):
                if inside:
                    break
                inside = line[3:].strip().lower() == heading.lower()
                continue
            if inside:
                out.append(line)
        return "\n".join(out).strip()


RuleCheck = Callable[..., Iterator[Issue]]


_NO_DOC = RuleDoc("", "")


class Rule(Frozen, uncompared=("check", "doc")):
    """A loaded rule: its identity, where it applies, its default severity, documentation and check."""

    __slots__ = ("id", "name", "scope", "kinds", "severity", "check", "doc", "options", "tags", "source")
    id: str
    name: str
    scope: str  # "document", "cluster" or "change"
    kinds: frozenset[str]
    severity: Severity
    check: RuleCheck
    doc: RuleDoc
    options: tuple[tuple[str, Any], ...]
    tags: tuple[str, ...]
    source: str  # the module file the rule was loaded from

    def __init__(self, id: str, name: str, scope: str, kinds: frozenset[str], severity: Severity, check: RuleCheck,
                 doc: RuleDoc = _NO_DOC, options: tuple[tuple[str, Any], ...] = (), tags: tuple[str, ...] = (),
                 source: str = "") -> None:
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "scope", scope)
        object.__setattr__(self, "kinds", kinds)
        object.__setattr__(self, "severity", severity)
        object.__setattr__(self, "check", check)
        object.__setattr__(self, "doc", doc)
        object.__setattr__(self, "options", options)
        object.__setattr__(self, "tags", tags)
        object.__setattr__(self, "source", source)

    @property
    def default_options(self) -> dict[str, Any]:
        return dict(self.options)


class Notice(Frozen):
    """Something the run wants the user to know that is not a finding (a skipped file, a skipped step)."""

    __slots__ = ("message", "path", "level")
    message: str
    path: str
    level: str  # SARIF notification level: note, warning or error

    def __init__(self, message: str, path: str = "", level: str = "note") -> None:
        object.__setattr__(self, "message", message)
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "level", level)


class Comparison(Frozen):
    """How a run compares with a base revision and/or a baseline file. ``accepted`` holds the fingerprints of
    findings that are not reported because they are unchanged (in the baseline file, or in the base revision
    under ``--new-only``); they are in ``Run.findings`` with a suppression, so they do not fail the run."""

    __slots__ = ("base", "baseline", "new_only", "new", "unchanged", "fixed", "accepted")
    base: str  # the base revision, described ("origin/main (merge base 1a2b3c4d5e)"); "" when none
    baseline: str  # the baseline file as given; "" when none
    new_only: bool
    new: int
    unchanged: int
    fixed: int
    accepted: frozenset[str]

    def __init__(self, base: str = "", baseline: str = "", new_only: bool = False, new: int = 0, unchanged: int = 0,
                 fixed: int = 0, accepted: frozenset[str] = frozenset()) -> None:
        object.__setattr__(self, "base", base)
        object.__setattr__(self, "baseline", baseline)
        object.__setattr__(self, "new_only", new_only)
        object.__setattr__(self, "new", new)
        object.__setattr__(self, "unchanged", unchanged)
        object.__setattr__(self, "fixed", fixed)
        object.__setattr__(self, "accepted", accepted)


class Run(Frozen, uncompared=("secrets",), unprinted=("secrets",)):
    """The immutable result of one run, which every formatter takes."""

    __slots__ = ("findings", "rules", "files_checked", "notices", "tool_version", "fail_on", "secrets", "absent",
                 "comparison")
    findings: tuple[Finding, ...]
    rules: tuple[Rule, ...]
    files_checked: int
    notices: tuple[Notice, ...]
    tool_version: str
    fail_on: Severity | None
    #: The secret values read from the files (linter.redact.Secrets): output.render scrubs them from every report.
    secrets: Secrets | None
    #: Findings of the base revision or the baseline file that are gone (``baseline_state == "absent"``).
    absent: tuple[Finding, ...]
    comparison: Comparison | None

    def __init__(self, findings: tuple[Finding, ...], rules: tuple[Rule, ...], files_checked: int,
                 notices: tuple[Notice, ...] = (), tool_version: str = "",
                 fail_on: Severity | None = Severity.ERROR, secrets: Secrets | None = None,
                 absent: tuple[Finding, ...] = (), comparison: Comparison | None = None) -> None:
        object.__setattr__(self, "findings", findings)
        object.__setattr__(self, "rules", rules)
        object.__setattr__(self, "files_checked", files_checked)
        object.__setattr__(self, "notices", notices)
        object.__setattr__(self, "tool_version", tool_version)
        object.__setattr__(self, "fail_on", fail_on)
        object.__setattr__(self, "secrets", secrets)
        object.__setattr__(self, "absent", absent)
        object.__setattr__(self, "comparison", comparison)

    @property
    def active_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.suppression is None)

    @property
    def internal_errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.rule_id == INTERNAL_ERROR_ID)

    def failed(self) -> bool:
        if self.fail_on is None:
            return False
        return any(f.severity >= self.fail_on for f in self.active_findings)


PARSE_ERROR_ID = "PAL000"
INTERNAL_ERROR_ID = "PAL999"
