"""The one import surface for rule authors: built-in and user rules import only from here."""

from __future__ import annotations

from linter import credentials, images, kinds, macros, pem, schema_messages
from linter.cluster import Cluster
from linter.contract import RuleContext, rule
from linter.document import Document, PackInfo, format_path
from linter.kinds import BYOOS_PACK, OS_LAYER, PACK_VALUES, PROFILE, USER_DATA
from linter.model import Issue, Related, Severity, Span, YamlPath

ALL_DOCUMENT_KINDS = frozenset({OS_LAYER, USER_DATA, PROFILE, PACK_VALUES})

__all__ = [
    "ALL_DOCUMENT_KINDS", "BYOOS_PACK", "Cluster", "Document", "Issue", "OS_LAYER", "PACK_VALUES", "PROFILE",
    "PackInfo", "Related", "RuleContext", "Severity", "Span", "USER_DATA", "YamlPath", "credentials", "format_path",
    "images", "kinds", "macros", "pem", "rule", "schema_messages",
]
