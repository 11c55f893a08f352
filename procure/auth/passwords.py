"""The password policy: long enough, not guessable, not about the user.

Guessability is zxcvbn's estimate (Dropbox's algorithm, MIT licence, pinned in
pyproject.toml): it ships frequency lists of the 30,000 most common passwords and of
common words and names, and takes the context as "user inputs" so that the user's e-mail
address, name, the application's name and the public demo password count as guessed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from procure.core.errors import ValidationFailed

MIN_LENGTH = 10
MAX_LENGTH = 200  # zxcvbn's work grows with the length; nobody types more
MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable", about 10^8 guesses or more
PUBLIC_DEMO_PASSWORD = "jeugdhulp-demo-2026"  # noqa: S105 (published in the README)
APP_WORDS = ("procure", "jeugdhulp", "inkoop", "contract")


def _context(email: str | None, name: str | None) -> list[str]:
    words = [PUBLIC_DEMO_PASSWORD, *APP_WORDS]
    if email:
        local, _, domain = email.lower().partition("@")
        words += [email.lower(), local, *re.split(r"[._+-]", local), *domain.split(".")]
    if name:
        words += [name.lower(), *name.lower().split()]
    return [w for w in words if len(w) >= 3]


def check_strength(password: str, *, email: str | None = None, name: str | None = None) -> None:
    """Refuse a weak password with a Dutch message on the password field."""
    from zxcvbn import zxcvbn

    password = password or ""
    if len(password) < MIN_LENGTH:
        raise ValidationFailed(
            _l("Het wachtwoord moet minstens %(n)d tekens lang zijn.", n=MIN_LENGTH),
            field="password",
        )
    if len(password) > MAX_LENGTH:
        raise ValidationFailed(
            _l("Het wachtwoord mag hoogstens %(n)d tekens lang zijn.", n=MAX_LENGTH),
            field="password",
        )
    lowered = password.lower()
    context = _context(email, name)
    if lowered == PUBLIC_DEMO_PASSWORD or any(len(w) >= 5 and w in lowered for w in context):
        raise ValidationFailed(
            _l(
                "Gebruik geen wachtwoord met uw e-mailadres, uw naam of het openbare "
                "demowachtwoord erin."
            ),
            field="password",
        )
    if zxcvbn(password, user_inputs=context)["score"] < MIN_SCORE:
        raise ValidationFailed(
            _l(
                "Dit wachtwoord is te makkelijk te raden (het staat in lijsten van veelgebruikte "
                "wachtwoorden of lijkt daarop). Kies bijvoorbeeld vier losse woorden."
            ),
            field="password",
        )


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    return generate_password_hash("no account has this password", method=method)


def spend_hash_time(password: str) -> None:
    """Check a password against a dummy hash: a login for an unknown e-mail address takes
    as long as one for a known address (no account discovery by timing)."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    check_password_hash(_dummy_hash(method), password or "")
