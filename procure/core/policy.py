"""State machines: the allowed transitions of one status column, checked and applied in one place.

Each domain declares its machines in `procure/<domain>/policy.py`, next to its role sets and
`can_<action>(user, obj)` functions. Operations change a status only through
`machine.apply(obj, target, actor)`, which refuses a transition the machine does not allow or
a guard rejects, sets the column and writes the audit record, all in the caller's transaction.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint

from procure.core.errors import InvalidTransition
from procure.core.labels import resolved

# A guard returns None when the transition may go ahead, else the (Dutch) reason it may not.
Guard = Callable[[Any], Any]


@dataclass(frozen=True)
class StateMachine:
    name: str
    transitions: Mapping[str, set[str]]
    labels: Mapping[str, str] = field(default_factory=dict)
    # The audit action; "{target}" is replaced by the new state (e.g. "contract.{target}").
    audit_action: str = ""
    column: str = "status"
    # Preconditions per target state, checked by apply() after the transition itself.
    guards: Mapping[str, tuple[Guard, ...]] = field(default_factory=dict)

    @property
    def states(self) -> tuple[str, ...]:
        """Every state of the machine, in declaration order (sources first, then targets)."""
        seen = dict.fromkeys(self.transitions)
        for targets in self.transitions.values():
            seen.update(dict.fromkeys(sorted(targets)))
        return tuple(seen)

    def allowed(self, current: str, target: str) -> bool:
        return target in self.transitions.get(current, set())

    def targets(self, current: str) -> set[str]:
        return set(self.transitions.get(current, set()))

    def check(self, current: str, target: str) -> None:
        if not self.allowed(current, target):
            raise InvalidTransition(
                _l(
                    "Overgang niet toegestaan: %(name)s kan niet van '%(current)s' naar "
                    "'%(target)s'.",
                    name=self.name,
                    current=self.label(current),
                    target=self.label(target),
                )
            )

    def refusal(self, obj, target: str):
        """Why `obj` cannot move to `target` now (None when it can)."""
        current = getattr(obj, self.column)
        if not self.allowed(current, target):
            try:
                self.check(current, target)
            except InvalidTransition as refused:
                return refused.message
        for guard in self.guards.get(target, ()):
            reason = guard(obj)
            if reason:
                return reason
        return None

    def can(self, obj, target: str) -> bool:
        return self.refusal(obj, target) is None

    def apply(self, obj, target: str, actor, *, audit_note: str | None = None, **extra) -> str:
        """Check the transition and its guards, set the status and audit it; returns the old
        state. `extra` goes into the audit record's new values."""
        current = getattr(obj, self.column)
        self.check(current, target)
        for guard in self.guards.get(target, ()):
            reason = guard(obj)
            if reason:
                raise InvalidTransition(reason)
        setattr(obj, self.column, target)
        if self.audit_action:
            # Imported here: models declare their machines, and the audit log imports models.
            from procure.audit import record

            record(
                self.audit_action.format(target=target),
                obj,
                actor=actor,
                old={self.column: current},
                new={self.column: target, **extra},
                note=audit_note,
            )
        return current

    def label(self, state: str) -> str:
        return resolved(self.labels).get(state, state)

    def check_sql(self) -> str:
        """The SQL condition of the CHECK constraint that keeps the column within the machine."""
        return states_sql(self.column, self.states)

    def constraint(self) -> CheckConstraint:
        """The CHECK constraint for the model's __table_args__ (and its migration)."""
        return states_check(self.column, self.states)


def states_sql(column: str, states) -> str:
    quoted = ", ".join(f"'{state}'" for state in states)
    return f"{column} IN ({quoted})"


def states_check(column: str, states) -> CheckConstraint:
    """A CHECK constraint named ck_<table>_<column>_known: the column holds a known state."""
    return CheckConstraint(states_sql(column, states), name=f"{column}_known")


def in_state(*states: str, doc: str | None = None) -> property:
    """A read-only property of a model: whether its `status` is one of `states`."""
    wanted = frozenset(states)
    return property(lambda self: self.status in wanted, doc=doc)
