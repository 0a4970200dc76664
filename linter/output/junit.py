"""JUnit XML for CI test-report views (GitLab, Jenkins, Azure Pipelines): one test suite per file with
findings, one test case per finding.

A finding is a ``<failure>`` whose ``type`` is its severity; a suppressed finding is ``<skipped>`` with its
reason; a run-level error (a missing path) is an ``<error>`` and other notices are ``<skipped>`` in the suite
``palette-lint``. A clean run is one passing test case, so report views show that the lint ran."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Mapping

from linter.model import Finding, Notice, Run
from linter.output.escape import one_line, safe_path

SUITE = "palette-lint"
#: Characters XML 1.0 cannot hold, even escaped (control characters, lone surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _element(tag: str, attributes: Mapping[str, object], text: str = "") -> ET.Element:
    element = ET.Element(tag, {key: _xml_text(str(value)) for key, value in attributes.items()})
    if text:
        element.text = _xml_text(text)
    return element


def _finding_case(finding: Finding) -> ET.Element:
    loc = finding.location
    span = loc.span
    case = _element("testcase", {"name": f"{finding.rule_id} {finding.rule_name} at {span.line}:{span.column}",
                                 "classname": safe_path(loc.path), "file": safe_path(loc.path), "line": span.line})
    detail = [f"{safe_path(loc.display_path)}:{span.line}:{span.column}: {finding.severity.label} "
              f"{finding.rule_id} {one_line(finding.message)}"]
    if finding.help:
        detail.append(f"    help: {one_line(finding.help)}")
    detail.extend(f"    {safe_path(r.location.display_path)}:{r.location.span.line}:{r.location.span.column}: "
                  f"{one_line(r.message)}" for r in finding.related)
    if finding.suppression is not None:
        case.append(_element("skipped", {"message": f"suppressed: {one_line(finding.suppression.justification)}"},
                             "\n".join(detail)))
    else:
        case.append(_element("failure", {"message": one_line(finding.message), "type": finding.severity.label},
                             "\n".join(detail)))
    return case


def _notice_case(notice: Notice) -> ET.Element:
    case = _element("testcase", {"name": safe_path(notice.path) or "run", "classname": SUITE})
    tag = "error" if notice.level == "error" else "skipped"
    case.append(_element(tag, {"message": one_line((f"{notice.path}: " if notice.path else "") + notice.message)}))
    return case


def _suite(name: str, cases: list[ET.Element]) -> ET.Element:
    suite = _element("testsuite", {"name": name, "tests": len(cases), **_counts(cases)})
    suite.extend(cases)
    return suite


_COUNTED = {"failures": "failure", "errors": "error", "skipped": "skipped"}


def _counts(cases: list[ET.Element]) -> dict[str, int]:
    return {attribute: sum(1 for case in cases if case.find(tag) is not None) for attribute, tag in _COUNTED.items()}


def format_junit(run: Run) -> str:
    by_file: dict[str, list[ET.Element]] = {}
    for finding in run.findings:
        by_file.setdefault(finding.location.path, []).append(_finding_case(finding))
    suites = [_suite(safe_path(path), cases) for path, cases in by_file.items()]
    own = [_notice_case(notice) for notice in run.notices]
    if not suites and not own:
        files = f"{run.files_checked} file{'s' if run.files_checked != 1 else ''}"
        own.append(_element("testcase", {"name": f"no problems in {files}", "classname": SUITE}))
    if own:
        suites.append(_suite(SUITE, own))
    all_cases = [case for suite in suites for case in suite]
    root = _element("testsuites", {"name": SUITE, "tests": len(all_cases), **_counts(all_cases)})
    root.extend(suites)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
