"""No client data in signals: a description must not contain a BSN.

A BSN (burgerservicenummer) has 9 digits and passes the BSN variant of the eleven-test:
9*d1 + 8*d2 + 7*d3 + 6*d4 + 5*d5 + 4*d6 + 3*d7 + 2*d8 - 1*d9 is divisible by 11.
Nine-digit numbers that fail the test (order numbers, invoice numbers) are allowed.
Also recognised when written with dots or spaces in the usual groupings (1234.56.789,
123 456 789).
"""

import re

_CANDIDATE = re.compile(
    r"(?<![\d.])(\d{9}|\d{4}[. ]\d{2}[. ]\d{3}|\d{3}[. ]\d{3}[. ]\d{3}|\d{2}[. ]\d{3}[. ]\d{4})"
    r"(?![\d]|\.\d)"
)
WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def passes_bsn_eleven_test(digits: str) -> bool:
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits, WEIGHTS, strict=True))
    return total % 11 == 0


def find_bsn(text: str | None) -> str | None:
    """The first BSN-shaped number in `text`, or None."""
    for match in _CANDIDATE.finditer(text or ""):
        digits = re.sub(r"\D", "", match.group(1))
        if passes_bsn_eleven_test(digits):
            return match.group(1)
    return None
