"""GitHub's ``primaryLocationLineHash`` (linter/line_hash.py) against two other implementations of the same
definition written for this test: a direct sum in Python, and a JavaScript one run under node, which sees
strings as UTF-16 code units exactly as upload-sarif does."""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import pytest

from tests.external_tools import node
from tests.helpers import FIXTURES, REPO, line_hash, line_hashes, run_paths

# The definition, spelled out the slow way: kept code units (CR and CRLF as LF, then spaces and tabs
# dropped), the end mark 65535 and zeros after them; a line's hash is sum(unit[k] * 37**(99-k)) mod 2**64
# over the 100 units from its first kept unit.
_JS_DEFINITION = r"""
const fs = require('fs');
const MASK = (1n << 64n) - 1n;
function hashes(text) {
  const normalised = text.replace(/\r\n|\r/g, '\n');
  const lines = normalised.split('\n').map(line => line.replace(/[ \t]/g, ''));
  const stream = lines.join('\n');
  const units = [];
  for (let i = 0; i < stream.length; i++) units.push(BigInt(stream.charCodeAt(i)));
  units.push(65535n);
  for (let i = 0; i < 100; i++) units.push(0n);
  const seen = new Map();
  const out = [];
  let offset = 0;
  for (const line of lines) {
    let value = 0n;
    for (let k = 0; k < 100; k++) value = (value * 37n + units[offset + k]) & MASK;
    const hex = value.toString(16);
    seen.set(hex, (seen.get(hex) || 0) + 1);
    out.push(hex + ':' + seen.get(hex));
    offset += line.length + 1;
  }
  return out;
}
const inputs = JSON.parse(fs.readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(inputs.map(hashes)));
"""


def _by_definition(text: str) -> list[str]:
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.replace(" ", "").replace("\t", "") for line in normalised.split("\n")]
    stream = "\n".join(lines).encode("utf-16-le")
    units = [int.from_bytes(stream[i:i + 2], "little") for i in range(0, len(stream), 2)] + [65535] + [0] * 100
    out: list[str] = []
    seen: dict[int, int] = {}
    offset = 0
    for line in lines:
        value = sum(units[offset + k] * 37 ** (99 - k) for k in range(100)) % 2 ** 64
        seen[value] = seen.get(value, 0) + 1
        out.append(f"{value:x}:{seen[value]}")
        offset += len(line.encode("utf-16-le")) // 2 + 1
    return out


HAND_CASES = [
    "",
    "a",
    "a\n",
    "key: value\n  nested: 1\n",
    "tab\tand space \r\nmixed\rendings\n\n\nlast",
    "cr then space \r \nstays two lines",
    "unicode: é ü 漢字\nastral: 😀 (two UTF-16 units)\n",
    "x" * 250 + "\n" + "y" * 30,
    "same line\n" * 12,
]


def _random_texts(count: int) -> list[str]:
    rng = random.Random(20260601)
    alphabet = ["a", "b", "Z", "0", ":", "-", " ", "\t", "\n", "\r", "\r\n", "é", "😀", "\u2028", "{{", "#"]
    return ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 400))) for _ in range(count)]


def _repository_texts() -> list[str]:
    paths = sorted(p for p in (REPO / "examples").rglob("*") if p.is_file())
    paths += sorted(p for p in FIXTURES.rglob("*.yaml") if p.is_file())[:20]
    texts = []
    for path in paths:
        try:
            texts.append(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            continue
    return texts


@pytest.mark.parametrize("text", HAND_CASES, ids=range(len(HAND_CASES)))
def test_port_matches_the_definition(text: str) -> None:
    assert line_hashes(text) == _by_definition(text)


def test_hand_checked_values() -> None:
    # An empty file is one line: the end mark followed by 99 zeros.
    assert line_hashes("") == [f"{65535 * 37 ** 99 % 2 ** 64:x}:1"]
    # "a" without a line break: 'a', the end mark, zeros.
    assert line_hash("a", 1) == f"{(97 * 37 ** 99 + 65535 * 37 ** 98) % 2 ** 64:x}:1"
    # A line break at the end adds a line holding only the end mark, which hashes like an empty file.
    assert line_hashes("a\n")[1] == line_hashes("")[0]
    assert len(line_hashes("a\nb")) == 2 and len(line_hashes("a\nb\n")) == 3


def test_whitespace_and_line_endings_do_not_matter() -> None:
    assert line_hashes("a: 1\nb: 2\n") == line_hashes("  a:1\r\n\tb:  2\r\n") == line_hashes("a:1\rb:2\r")


def test_repeated_lines_are_numbered_in_order() -> None:
    hashes = line_hashes("same\n" * 30)
    first = hashes[0].split(":")[0]
    # Lines whose 100-unit windows are identical share the value and count up; the last ones differ
    # because their windows reach the end of the file.
    counted = [h for h in hashes if h.startswith(first + ":")]
    assert counted == [f"{first}:{n}" for n in range(1, len(counted) + 1)] and len(counted) > 5


def test_line_hash_out_of_range_is_empty() -> None:
    assert line_hash("a\nb", 3) == "" and line_hash("a\nb", 0) == ""


def test_port_matches_javascript_implementation() -> None:
    texts = HAND_CASES + _random_texts(150) + _repository_texts()
    result = subprocess.run([node(), "-e", _JS_DEFINITION], input=json.dumps(texts), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    expected = json.loads(result.stdout)
    mismatches = [i for i, text in enumerate(texts) if line_hashes(text) != expected[i]]
    assert not mismatches, f"{len(mismatches)} texts differ, first {texts[mismatches[0]]!r}"


def test_engine_stamps_the_hash_of_each_finding_line(tmp_path: Path) -> None:
    body = ("options:\r\n  system.registry: registry.example.com\r\n  system.repo: edge/ubuntu\r\n"
            "providerCredentials:\r\n  registry: registry.example.com\r\n  user: edge\r\n  user: admin\r\n")
    plain = tmp_path / "plain.yaml"
    plain.write_bytes(body.encode("utf-8"))
    with_bom = tmp_path / "bom.yaml"
    with_bom.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    run = run_paths([plain, with_bom], root=tmp_path, select=("PAL001",))
    by_file = {f.location.path: f for f in run.findings}
    assert set(by_file) == {"plain.yaml", "bom.yaml"}
    for name, finding in by_file.items():
        # upload-sarif reads the file as it is on disk, byte-order mark included (node keeps it).
        text = (tmp_path / name).read_bytes().decode("utf-8")
        assert finding.location.span.line == 7
        assert finding.line_hash == line_hash(text, 7) != ""
    # The mark is in line 1's window only: line 7 hashes the same with or without it, line 1 does not.
    assert by_file["plain.yaml"].line_hash == by_file["bom.yaml"].line_hash
    assert line_hash("\ufeff" + body, 1) != line_hash(body, 1)


def test_unreadable_files_get_no_hash(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(b"stylus:\n  site: caf\xe9\n")
    run = run_paths([bad], root=tmp_path)
    assert [f.rule_id for f in run.findings] == ["PAL000"]
    assert run.findings[0].line_hash == ""
