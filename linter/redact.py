"""Redaction: the one function that keeps passwords, tokens, private keys and URL credentials out of every output.

:func:`redact` is used in two places, so that a format or a message added later is covered without its
author doing anything (a parser's message keeps none of the text it quotes: ``linter.yaml.composer``):

- the engine, when it builds the :class:`~linter.model.Run`: every finding message, help and related message,
  and every notice, scrubbed of the run's secret values; YAML paths of URL credentials only (a key can be a
  ``user:password@host`` URL), since paths are built without secrets;
- ``linter.output.render``, which every report goes through: private keys, URL credentials and the run's
  secret values (in the escaped forms formats write) anywhere in the output of any formatter, as a safety net;
  except a value that is also part of a file path, a YAML path or a rule id, which would break paths and URIs
  where a folder happens to be named like a weak password (every text that can quote a value was scrubbed
  above).
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Iterable, Optional

from msgspec.structs import replace

from linter.model import Finding, Fix, Notice, RelatedLocation, Run

REDACTED = "***"
PRIVATE_KEY_REDACTED = "<private key redacted>"
#: Known secret values shorter than this are not scrubbed from output (they would blank out ordinary words);
#: messages never quote values in the first place.
MIN_SECRET_LENGTH = 4
#: Known secret values longer than this are scrubbed as plain text rather than through the one regular expression.
LONG_SECRET = 256
#: Each line of a multi-line secret (a private key's base64 body) at least this long is scrubbed on its own,
#: so a format that escapes or re-wraps line breaks cannot carry it out.
MIN_SECRET_LINE = 16

# Patterns as text, which re compiles (and caches) the first time a text holds an "@" or a private key: most
# runs print neither, and compiling both at import took about 0.4 ms.
# Every repetition is bounded, so each scan is linear in the text. The user information of a URL runs to the
# last "@" before the host (``robot:S3cr3t@CANARY@host``): all of it is dropped.
_URL_CREDENTIALS = (
    r"(?:(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]{0,31}://)|(?<![^\s\"'(=\[,]))"
    r"[^\s:/@\"'<>\[\]{}]{0,256}:[^\s/\"'<>]{0,256}@(?=[A-Za-z0-9\[])"
)
_KEY_LABEL = r"(?:[A-Z0-9]{1,32} ){0,8}PRIVATE KEY(?: BLOCK)?"
#: A private key block: its body runs to its END line, the next BEGIN or END line (a block cut short), or the
#: end of the text; raw or JSON-escaped.
_PRIVATE_KEY = (rf"-----BEGIN {_KEY_LABEL}-----(?:(?!-----(?:BEGIN|END) )[\s\S]){{0,65536}}"
                rf"(?:-----END {_KEY_LABEL}-----)?")


class Secrets:
    """The secret values read from the files of one run. Opaque on purpose: it prints as a count and is not a
    Struct or a dataclass, so no formatter can serialise it by accident."""

    __slots__ = ("_values", "_pattern", "_long")

    def __init__(self, values: Iterable[Any] = ()) -> None:
        self._values = scrubbed_values(values)
        self._pattern: Optional[re.Pattern[str]] = None
        self._long: Optional[list[str]] = None

    def __repr__(self) -> str:
        return f"Secrets({len(self._values)} values)"

    def __len__(self) -> int:
        return len(self._values)

    def __or__(self, other: Secrets) -> Secrets:
        return Secrets(self._values | other._values)

    def excluding(self, public: str) -> Secrets:
        """These secrets without the values that occur in ``public`` text: palette-lint's own rule
        documentation, which reports quote, and the paths and ids that name things. A value found there is
        scrubbed where it is quoted, not wherever it appears, so that documentation, paths and URIs in a report
        do not depend on the secrets of the files linted."""
        kept = Secrets()
        kept._values = frozenset(value for value in self._values if value not in public)
        return kept

    def digests(self, digest: Callable[[str], str], within: Optional[Iterable[str]] = None) -> set[str]:
        """``digest`` of each value, or (``within``) of each value that occurs in one of those texts in any
        escaped form: what the result cache records, so that the values themselves never leave this object."""
        if within is None:
            return {digest(value) for value in self._values}
        text = "\x00".join(within)
        found: set[str] = set()
        pattern = self.pattern()
        if pattern is not None and text:
            by_form = {form: value for value in self._values if len(value) <= LONG_SECRET
                       for form in escaped_forms(value)}
            found.update(by_form[match.group(0)] for match in pattern.finditer(text) if match.group(0) in by_form)
        found.update(value for value in self._values if len(value) > LONG_SECRET
                     and any(form in text for form in escaped_forms(value)))
        return {digest(value) for value in found}

    def pattern(self) -> Optional[re.Pattern[str]]:
        """One regular expression (a trie, so its cost does not grow with the number of secrets) that matches
        every known value of at most LONG_SECRET characters in every escaped form."""
        if self._pattern is None:
            forms: set[str] = set()
            for value in self._values:
                if len(value) <= LONG_SECRET:
                    forms.update(form for form in escaped_forms(value) if len(form) >= MIN_SECRET_LENGTH)
            if forms:
                self._pattern = re.compile(_trie_regex(forms))
        return self._pattern

    def long_forms(self) -> list[str]:
        """Every escaped form of the values longer than LONG_SECRET, longest first: replaced as plain text (a
        regular expression of a value of hundreds of kilobytes would cost more than the run)."""
        if self._long is None:
            forms = {form for value in self._values if len(value) > LONG_SECRET for form in escaped_forms(value)}
            self._long = sorted(forms, key=len, reverse=True)
        return self._long


def scrubbed_values(values: Iterable[Any]) -> frozenset[str]:
    """The texts that redaction scrubs for secret ``values``: each value stripped, when at least
    MIN_SECRET_LENGTH long; for a multi-line value (a private key's body), each line of at least MIN_SECRET_LINE
    characters."""
    kept: set[str] = set()
    for value in values:
        if not isinstance(value, str):
            continue
        text = value.strip()
        if "\n" in text:
            kept.update(line.strip() for line in text.splitlines()
                        if len(line.strip()) >= MIN_SECRET_LINE and not line.strip().startswith("-----"))
        elif len(text) >= MIN_SECRET_LENGTH:
            kept.add(text)
    return frozenset(kept)


def escaped_forms(value: str) -> set[str]:
    """``value`` as output formats write it: raw, JSON (ASCII and not), XML/HTML, URL and GitHub-command escaped."""
    # Imported here: only a run that read secret values escapes them, and most pre-commit runs read none.
    import html
    from urllib.parse import quote, quote_plus

    github_data = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return {
        value,
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        html.escape(value, quote=True),
        html.escape(value, quote=False),
        html.escape(value, quote=True).replace("&#x27;", "&apos;"),
        quote(value, safe=""),
        quote_plus(value, safe=""),
        github_data,
        github_data.replace(":", "%3A").replace(",", "%2C"),
    }


def redact(text: str, secrets: Optional[Secrets] = None) -> str:
    """``text`` without secrets: private key blocks and the password of ``user:password@host`` URLs always,
    every known value of ``secrets`` in any escaped form."""
    if not text:
        return text
    if "PRIVATE KEY" in text:
        text = re.sub(_PRIVATE_KEY, PRIVATE_KEY_REDACTED, text)
    if "@" in text:
        text = re.sub(_URL_CREDENTIALS, _url_replacement, text)
    if secrets is not None:
        pattern = secrets.pattern()
        if pattern is not None:
            text = pattern.sub(REDACTED, text)
        for form in secrets.long_forms():
            text = text.replace(form, REDACTED)
    return text


def redact_findings(findings: Iterable[Finding], secrets: Secrets) -> tuple[Finding, ...]:
    """``findings`` with every message redacted. A YAML path loses URL credentials and private keys only: a path
    is built without secrets (:func:`linter.palette.credentials.shown_path`), and scrubbing the run's secret
    values from it would break it where a key happens to equal a weak password; file paths are never touched
    (a SARIF URI must point at the file)."""

    def location(loc: Any) -> Any:
        return replace(loc, yaml_path=redact(loc.yaml_path)) if loc.yaml_path else loc

    def fix(item: Optional[Fix]) -> Optional[Fix]:
        # A fix writes what it writes, or nothing: one whose new text would need scrubbing is dropped, not altered.
        if item is None or any(redact(r.text, secrets) != r.text for r in item.replacements):
            return None
        return replace(item, title=redact(item.title, secrets), note=redact(item.note, secrets),
                       paths=tuple(redact(path, secrets) for path in item.paths))

    def finding(item: Finding) -> Finding:
        related = tuple(RelatedLocation(location(r.location), redact(r.message, secrets)) for r in item.related)
        return replace(item, message=redact(item.message, secrets), help=redact(item.help, secrets),
                       location=location(item.location),
                       related=related, fix=fix(item.fix))

    return tuple(finding(f) for f in findings)


def redact_notices(notices: Iterable[Notice], secrets: Secrets) -> tuple[Notice, ...]:
    return tuple(replace(item, message=redact(item.message, secrets)) for item in notices)


def redact_run(run: Run, secrets: Secrets) -> Run:
    """The run with every message, YAML path and notice redacted, carrying ``secrets`` for the final scrub."""
    return replace(run, findings=redact_findings(run.findings, secrets), absent=redact_findings(run.absent, secrets),
                   notices=redact_notices(run.notices, secrets), secrets=secrets)


def _url_replacement(match: re.Match[str]) -> str:
    return f"{match.group('scheme') or ''}{REDACTED}@"


def _trie_regex(words: Iterable[str]) -> str:
    """A regular expression matching any of ``words``, longest first, factored as a trie."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        prefix: list[str] = []  # a list, not a string grown a character at a time: a long secret stays linear
        while len(node) == 1 and "" not in node:  # a chain: one literal, no group
            ((ch, node),) = node.items()
            prefix.append(re.escape(ch))
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return "".join(prefix)
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            body = f"(?:{body})?"
        return "".join(prefix) + body

    return build(trie)
