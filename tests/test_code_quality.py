"""Code-quality measures of issue 12: no function or method of procure/ is more complex
than radon's cyclomatic complexity 25."""

from pathlib import Path

from radon.complexity import cc_visit

import procure

MAX_COMPLEXITY = 25
SOURCE = Path(procure.__file__).parent


def _functions():
    """(complexity, place) of every function and method below procure/ (a closure counts
    with the function it stands in, as radon counts it)."""
    for path in sorted(SOURCE.rglob("*.py")):
        for block in cc_visit(path.read_text(encoding="utf-8")):
            if block.letter == "C":  # a class: its methods are listed on their own
                continue
            yield (
                block.complexity,
                f"{path.relative_to(SOURCE.parent)}:{block.lineno} {block.fullname}",
            )


def test_every_source_file_is_measured():
    assert sum(1 for _ in _functions()) > 500


def test_no_function_above_complexity_limit():
    too_complex = sorted(
        ((complexity, place) for complexity, place in _functions() if complexity > MAX_COMPLEXITY),
        reverse=True,
    )
    assert not too_complex, "\n".join(f"{c:>3} {place}" for c, place in too_complex)
