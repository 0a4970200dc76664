"""Positions: every key and value keeps its line and column, also inside a pack's embedded values."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.document import Document
from linter.inputs import read_file
from linter.inputs.profile_packs import embedded_position_map
from linter.model import Span
from linter.yaml.composer import MAX_EXPANDED_NODES, ParseFailure, YamlParser
from linter.yaml.paths import format_path
from linter.yaml.source import SourceFile


@pytest.fixture(scope="module")
def parser() -> YamlParser:
    return YamlParser()


def _parse(parser: YamlParser, text: str, name: str = "f.yaml"):
    return read_file(parser, SourceFile(text, name, name), explicit=True)


def _column_of(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    """1-based (line, column) of the start of ``needle`` in ``text``."""
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(needle, index + 1)
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def test_the_c_parser_is_in_use(parser: YamlParser) -> None:
    assert parser.uses_c_parser


def test_scalar_and_key_positions(parser: YamlParser) -> None:
    text = "providerCredentials:\n  registry: registry.example.com\n  user: edge\noptions:\n  system.uri: a.io/b:1\n"
    doc = _parse(parser, text).root
    assert doc.kind == "os-layer"
    assert doc.span_of(("providerCredentials", "user")) == Span(3, 9, 3, 13)
    assert doc.span_of(("providerCredentials", "user"), "key") == Span(3, 3, 3, 7)
    assert doc.span_of(("providerCredentials",)) == Span(1, 1, 1, 20)  # a mapping: its key
    assert doc.span_of(("options", "system.uri")).line == 5
    # A missing path falls back to its nearest ancestor.
    assert doc.span_of(("providerCredentials", "password")) == Span(1, 1, 1, 20)


def test_non_ascii_columns_count_code_points(parser: YamlParser) -> None:
    text = "name: réseau-é\nproviderCredentials:\n  user: ü\n"
    doc = _parse(parser, text).root
    assert doc.span_of(("providerCredentials", "user")) == Span(3, 9, 3, 10)
    assert doc.span_of(("name",)) == Span(1, 7, 1, 15)


def test_block_scalar_values_map_to_exact_lines_and_columns(parser: YamlParser) -> None:
    text = (
        "name: infra\n"
        "packs:\n"
        "  - name: edge-native-byoi\n"
        "    layer: os\n"
        "    values: |\n"
        "      pack:\n"
        "        content: {}\n"
        "\n"
        "      providerCredentials:\n"
        "        user: AWS\n"
        "      options:\n"
        "        system.uri: a.io/b:1\n"
    )
    parsed = _parse(parser, text)
    profile, os_layer = parsed.documents
    assert profile.kind == "profile" and os_layer.kind == "os-layer"
    assert os_layer.pack.name == "edge-native-byoi"
    assert os_layer.span_of(("providerCredentials", "user")) == Span(10, 15, 10, 18)
    assert (10, 15) == _column_of(text, "AWS")
    assert format_path(os_layer.outer_path(("options", "system.uri"))) == 'packs[0].values.options["system.uri"]'


def test_json_string_values_map_to_the_column_of_the_text(parser: YamlParser) -> None:
    values = 'pack:\n  content: {}\nname: "q\\"t" # é\nproviderCredentials:\n  user: AWS\noptions:\n  system.uri: a.io/b:1\n'
    text = json.dumps({"spec": {"template": {"packs": [
        {"name": "x", "layer": "addon", "values": "a: 1\n"},
        {"name": "edge-native-byoi", "layer": "os", "values": values},
    ]}}}, indent=2, ensure_ascii=True)
    parsed = _parse(parser, text, "p.json")
    os_layer = parsed.documents[2]
    assert os_layer.kind == "os-layer"
    line, column = _column_of(text, "AWS")
    assert os_layer.span_of(("providerCredentials", "user")) == Span(line, column, line, column + 3)
    assert os_layer.span_of(("providerCredentials", "user"), "key").column == _column_of(text, "user: AWS")[1]


def test_duplicates_and_unquoted_macros_are_recorded(parser: YamlParser) -> None:
    doc = _parse(parser, "a: 1\nb: {{.spectro.macro.X}}\na: 2\n").root
    assert [d.key for d in doc.duplicates] == ["a"]
    assert doc.duplicates[0].second == Span(3, 1, 3, 2)
    assert doc.problems[0].kind == "unquoted-macro"
    assert doc.data["b"] == "{{.spectro.macro.X}}"


def test_alias_bomb_is_refused(parser: YamlParser) -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    parsed = _parse(parser, "\n".join(lines) + "\n")
    assert parsed.root is None
    assert parsed.failures[0].kind == "limit"
    assert f"{MAX_EXPANDED_NODES:,}" in parsed.failures[0].message


def test_parse_failure_messages_do_not_quote_the_text(parser: YamlParser) -> None:
    with pytest.raises(ParseFailure) as caught:
        parser.parse("password: 'hunter2-secret\n")
    assert "hunter2" not in caught.value.message


def test_merge_keys_are_applied(parser: YamlParser) -> None:
    doc = _parse(parser, "base: &b {user: edge, registry: r.io}\nproviderCredentials:\n  <<: *b\n  user: other\n").root
    assert doc.data["providerCredentials"] == {"user": "other", "registry": "r.io"}


# ---- JSON-string character maps: every decoded character lands on its own source column ----------------

# YAML refuses raw control characters (JSON escapes the C0 ones itself), so the text holds none; the escapes
# JSON writes for newlines, tabs, quotes and backslashes are drawn explicitly.
_JSON_TEXT = st.text(st.one_of(st.characters(blacklist_categories=("Cs", "Cc")), st.sampled_from('\n\t"\\/')),
                     min_size=1, max_size=60).filter(lambda t: "\ufffe" not in t and "\uffff" not in t)


@settings(max_examples=300, deadline=None)
@given(value=_JSON_TEXT, ascii_only=st.booleans(), indent=st.integers(0, 6))
def test_json_string_map_points_at_each_characters_source(value: str, ascii_only: bool, indent: int) -> None:
    encoded = json.dumps(value, ensure_ascii=ascii_only)
    text = '{\n' + " " * indent + '"values": ' + encoded + "\n}\n"
    source = SourceFile(text, "p.json", "p.json")
    outer = Document.from_yaml(source, YamlParser().parse(text))
    mapper = embedded_position_map(outer, ("values",))
    start_column = indent + len('"values": ') + 1  # 0-based column of the first character after the quote
    column = start_column
    inner_line, inner_column = 0, 0
    for char in value:
        assert mapper.outer(inner_line, inner_column) == (2, column + 1), (value, char)
        column += len(json.dumps(char, ensure_ascii=ascii_only)) - 2
        if char == "\n":
            inner_line, inner_column = inner_line + 1, 0
        else:
            inner_column += 1


def test_json_surrogate_pair_escapes_parse_and_keep_columns(parser: YamlParser) -> None:
    # Python's json.dumps (ensure_ascii) writes an emoji as two \u escapes, which libyaml refuses on its own.
    text = '{"description": "store \\ud83d\\ude00 \\ud83c\\udf89", "providerCredentials": {"user": "AWS"}}\n'
    doc = _parse(parser, text, "p.json").root
    assert doc.data["description"] == "store \U0001F600 \U0001F389"
    line, column = _column_of(text, '"AWS"')
    assert doc.span_of(("providerCredentials", "user")) == Span(line, column, line, column + 5)
    assert doc.span_of(("providerCredentials",), "key").column == _column_of(text, '"providerCredentials"')[1]


def test_yaml_11_line_breaks_inside_strings_do_not_shift_lines() -> None:
    """NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR are line breaks to a YAML 1.1 parser, ordinary characters to
    YAML 1.2 (Palette's parser) and to the file's line numbers: values keep them, and positions after them stay
    right. (Found by the fuzzer.)"""
    from linter.yaml.composer import YamlParser

    text = "a: 'x\x85y'\nb: 'p\u2028q\u2029r'\n? 'k\x85'\n: 1\nproviderCredentials: registry.example.com\n"
    composed = YamlParser().parse(text)
    assert composed.data == {"a": "x\x85y", "b": "p\u2028q\u2029r", "k\x85": 1,
                             "providerCredentials": "registry.example.com"}
    assert composed.nodes[("providerCredentials",)].value.line == 5
    assert composed.nodes[("k\x85",)].value.line == 4
