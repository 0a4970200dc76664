"""The one import surface for rule authors: built-in and user rules import only from here."""

from __future__ import annotations

from linter.certs import pem
from linter.document import Document, PackInfo
from linter.engine.clusters import Cluster
from linter.engine.contract import RuleContext, rule
from linter.fix import edits as fixes
from linter.inputs import kinds
from linter.inputs.kinds import BYOOS_PACK, OS_LAYER, PACK_VALUES, PROFILE, USER_DATA
from linter.model import Issue, Related, Severity, Span, TextEdit, TextFix, YamlPath
from linter.palette import credentials, images, macros
from linter.validation import messages as schema_messages
from linter.verify import observations
from linter.verify.observations import Observation
from linter.yaml.paths import format_path, leaf_name

ALL_DOCUMENT_KINDS = frozenset({OS_LAYER, USER_DATA, PROFILE, PACK_VALUES})

__all__ = [
    "ALL_DOCUMENT_KINDS", "BYOOS_PACK", "Cluster", "Document", "Issue", "OS_LAYER", "PACK_VALUES", "PROFILE",
    "PackInfo", "Related", "RuleContext", "Severity", "Span", "TextEdit", "TextFix", "USER_DATA", "YamlPath",
    "credentials", "fixes", "format_path",
    "images", "kinds", "leaf_name", "macros", "Observation", "observations", "pem", "rule", "schema_messages",
]
