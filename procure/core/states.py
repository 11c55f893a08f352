"""A small state machine: the allowed transitions of one life cycle, checked in one place."""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from procure.core.errors import InvalidTransition


@dataclass(frozen=True)
class StateMachine:
    name: str
    transitions: dict[str, set[str]]
    labels: dict[str, str] = field(default_factory=dict)

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

    def label(self, state: str) -> str:
        return str(self.labels.get(state, state))
