"""Panels one domain contributes to another domain's page, without either importing the other.

A page calls panels_for("contract", contract) and renders the returned HTML fragments; a
domain registers with @panel("contract"). Each panel function gets (obj, user) and returns
Markup or None (nothing to show for this user).
"""

from collections import defaultdict

_panels = defaultdict(list)


def panel(kind: str):
    def decorator(fn):
        _panels[kind].append(fn)
        return fn

    return decorator


def panels_for(kind: str, obj, user) -> list:
    return [html for fn in _panels[kind] if (html := fn(obj, user))]
