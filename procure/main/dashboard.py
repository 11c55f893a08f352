"""Dashboard cards: each domain registers a function that returns its cards for a user.

A card is a dict: {"title", "value", "url" (optional), "level" (optional: ok/warn/alert)}.
Card functions must run a bounded number of queries (counts, not row loads).
"""

_card_providers = []


def dashboard_card(fn):
    _card_providers.append(fn)
    return fn


def cards_for(user) -> list[dict]:
    cards = []
    for provider in _card_providers:
        cards.extend(provider(user) or [])
    return cards
