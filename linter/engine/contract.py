"""What a rule module declares (the ``@rule`` decorator) and what it is given (``RuleContext``)."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Callable, Iterable, Mapping, Optional

from msgspec import Struct

from linter.model import Severity

#: Where a rule applies: ``document``, ``cluster`` and ``change`` rules run in ``check``; ``verify`` rules (in
#: ``rules/verify/``) interpret what ``palette-lint verify`` observed at a registry and never run in ``check``.
CHECK_SCOPES = ("document", "cluster", "change")
VERIFY_SCOPE = "verify"
SCOPES = (*CHECK_SCOPES, VERIFY_SCOPE)
RULE_MARK = "__palette_rule__"


class RuleSpec(Struct, frozen=True):
    """The declaration a ``@rule`` decorator attaches to a check function."""

    id: str
    name: str
    scope: str
    kinds: frozenset[str]
    severity: Severity
    options: tuple[tuple[str, Any], ...] = ()
    tags: tuple[str, ...] = ()


def rule(*, id: str, name: str, kinds: Iterable[str], severity: str, scope: str = "document",
         options: Optional[Mapping[str, Any]] = None, tags: Iterable[str] = ()) -> Callable[[Any], Any]:
    """Declare a rule. The module docstring is its documentation; the decorated function is its check:
    ``check(doc, ctx)`` for scope ``document``, ``check(cluster, ctx)`` for ``cluster``,
    ``check(before, after, ctx)`` for ``change``, and ``check(observation, ctx)`` for ``verify``."""
    if scope not in SCOPES:
        raise ValueError(f"rule {id}: scope must be one of {SCOPES}")
    spec = RuleSpec(id=id, name=name, scope=scope, kinds=frozenset(kinds), severity=Severity.parse(severity),
                    options=tuple(sorted((options or {}).items())), tags=tuple(tags))

    def mark(function: Any) -> Any:
        setattr(function, RULE_MARK, spec)
        return function

    return mark


class RuleContext:
    """What a rule may use besides its documents: its options, the run's clock and the shared services.

    Reading :attr:`now` is recorded (``clock_read``): a result that depended on the clock is reused from the
    result cache only while the clock says the same (see ``linter/result_cache.py``)."""

    def __init__(self, options: Optional[dict[str, Any]] = None, now: Optional[_dt.datetime] = None,
                 schemas: Any = None, deployed: bool = False, base: str = "") -> None:
        self.options: dict[str, Any] = options if options is not None else {}
        self._now = now or _dt.datetime.now(_dt.timezone.utc)
        self.schemas = schemas  # linter.schemas.SchemaStore
        #: For change rules: whether the file is deployed to existing clusters (it existed at the base
        #: revision, or the configuration's ``deployed:`` list says so), and the base revision, for messages.
        self.deployed = deployed
        self.base = base
        self.clock_read = False

    @property
    def now(self) -> _dt.datetime:
        self.clock_read = True
        return self._now

    def for_change(self, deployed: bool, base: str) -> RuleContext:
        """This context for one changed file of a change rule."""
        return RuleContext(self.options, self._now, self.schemas, deployed, base)

    def validate(self, schema_name: str, data: Any) -> list[Any]:
        """Validate ``data`` against one of palette-lint's JSON Schemas; returns ``SchemaError`` items."""
        return list(self.schemas.validate(schema_name, data))

    def option(self, name: str, default: Any = None) -> Any:
        return self.options.get(name, default)
