"""palette-lint types plain scalars itself (linter/yaml_types.py) and builds data from parser events
(linter/document.py). Both must agree with ruamel.yaml's safe loader, which they replace on the lint path:
the types on generated and hand-picked scalars, the data on every fixture and example file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver

from linter.inputs import accepts_name
from linter.yaml.composer import ParseFailure, YamlParser
from linter.yaml.scalars import plain_scalar_type
from tests.helpers import REPO

_SHORT = {"tag:yaml.org,2002:" + name: name for name in
          ("str", "bool", "int", "float", "null", "timestamp", "merge", "value", "yaml")}


def _ruamel_type(text: str, version: tuple[int, int]) -> str:
    resolver = VersionedResolver(version=version)
    tag = str(resolver.resolve(ScalarNode, text, (True, False)))
    return _SHORT.get(tag, tag)


HAND_PICKED = [
    "", "~", "null", "Null", "NULL", "nULL", "true", "True", "TRUE", "tRUE", "yes", "Yes", "no", "on", "Off", "y", "n",
    "0", "-0", "+1", "007", "0o17", "0x1F", "0X1F", "0b101", "1_000", "-_", "_1", "1__", "12:30", "190:20:30",
    "1.5", "1.", ".5", "-.5", "+.5e+3", "1e5", "1E-5", "1.5e3", ".inf", "-.Inf", "+.INF", ".nan", ".NaN", "nan",
    "2026-06-01", "2026-6-1", "2026-06-01T12:00:00Z", "2026-06-01 12:00:00.5 +02:00", "2026-06-01t1:00:00",
    "<<", "=", "registry.example.com", "10.10.254.254:8000", "v1.30.4", "1.30.4", "AWS", "######", "{{.x}}",
    "0.1.0", "1:2:3.5", "-1:20", "0:30", "12e", "0x", "0b", "0o", "+", "-", ".", "1_2.3_4",
]


@pytest.mark.parametrize("version", [(1, 2), (1, 1)])
@pytest.mark.parametrize("text", HAND_PICKED)
def test_hand_picked_scalars_match_ruamel(text: str, version: tuple[int, int]) -> None:
    assert plain_scalar_type(text, version) == _ruamel_type(text, version)


_SCALAR_TEXT = st.one_of(
    st.text(alphabet="0123456789+-._:eEboxXaAfFnNiItTrRuUlLyYsS~<= Zz\t", max_size=14),
    st.from_regex(r"[-+]?[0-9_]{1,6}(\.[0-9_]{0,4})?([eE][-+]?[0-9]{1,3})?", fullmatch=True),
    st.from_regex(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?( ?Z| ?[-+][0-9]{1,2}(:[0-9]{2})?)?)?",
                  fullmatch=True),
    st.from_regex(r"[-+]?[0-9]{1,3}(:[0-9]{1,2}){1,3}(\.[0-9]*)?", fullmatch=True),
)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_SCALAR_TEXT, yaml_11=st.booleans())
def test_generated_scalars_match_ruamel(text: str, yaml_11: bool) -> None:
    version = (1, 1) if yaml_11 else (1, 2)
    assert plain_scalar_type(text, version) == _ruamel_type(text, version)


def _normalise(value: Any) -> Any:
    """ruamel's data in palette-lint's terms: timestamps stay text in palette-lint."""
    if isinstance(value, dict):
        return {str(k): _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return "<timestamp>"
    if isinstance(value, float) and value != value:
        return "<nan>"
    return value


def _ours(value: Any, info_of: Any, path: tuple = ()) -> Any:
    if isinstance(value, dict):
        return {k: _ours(v, info_of, path + (k,)) for k, v in value.items()}
    if isinstance(value, list):
        return [_ours(v, info_of, path + (i,)) for i, v in enumerate(value)]
    info = info_of(path)
    if info is not None and info.tag == "timestamp" and not info.style:
        return "<timestamp>"
    if isinstance(value, float) and value != value:
        return "<nan>"
    return value


def _is_utf8(path: Path) -> bool:
    try:
        path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _data_files() -> list[Path]:
    """Every fixture and example file that is text (the undecodable parse-error fixtures are not YAML)."""
    roots = [REPO / "tests" / "fixtures", REPO / "examples"]
    return sorted(p for root in roots for p in root.rglob("*")
                  if p.is_file() and accepts_name(p.name) and _is_utf8(p))


@pytest.mark.parametrize("path", _data_files(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_event_builder_data_matches_ruamel_safe_load(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    try:
        expected = YAML(typ="safe", pure=False).load(text)
    except Exception:  # duplicate keys, unquoted macros, syntax errors: palette-lint reports them its own way
        try:
            YamlParser().parse(text)
        except ParseFailure:
            pass
        return
    composed = YamlParser().parse(text)
    assert _ours(composed.data, composed.nodes.get) == _normalise(expected)
