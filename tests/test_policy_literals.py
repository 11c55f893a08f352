"""Who may do what in which state is said by the domain policies only (issue 12).

Templates ask `<domain>_policy.can_...(current_user, obj)` or a model's descriptive property;
views, API, forms, queries, schemas and dashboard cards ask the same functions or use the
policy's named role sets and states. These scans fail with every place that spells out a
role check or a status literal instead.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TEMPLATE_PATTERNS = (
    re.compile(r"current_user\.role"),
    re.compile(r"\.(status|state)\s*(==|!=|in\b|not\s+in\b)"),
    re.compile(r"selectattr\(\s*['\"](status|state|role)['\"]"),
)

PYTHON_PATTERNS = (
    re.compile(r"\.role\s*(==|!=)\s*['\"]"),
    re.compile(r"\.role\s*(not\s+)?in\s*\("),
    re.compile(r"\.(status|state)\s*(==|!=)\s*['\"]"),
    re.compile(r"\.(status|state)\s*(not\s+)?in\s*\(\s*['\"]"),
    re.compile(r"\.(status|state)\.(not_)?in_\(\s*\(\s*['\"]"),
    # Bare names and dict keys: a role argument, a status read from an imported file.
    re.compile(r"\brole\s*(==|!=)\s*['\"]"),
    re.compile(r"\brole\s*(not\s+)?in\s*\(\s*['\"]"),
    re.compile(r"\b(status|state)\s*(not\s+)?in\s*\(\s*['\"]"),
    re.compile(r"\[['\"](status|state|role)['\"]\]\s*(==|!=)\s*['\"]"),
)
# The modules that decide what a user sees and may do on a request.
REQUEST_MODULES = {"views", "api", "forms", "queries", "schemas", "dashboard"}
# Where states and roles are spelled out: the policies that own them, the models that store
# them (and declare their CHECK constraints) and the demo data that names them as data.
# Migrations live outside procure/.
OWNING_MODULES = {"policy", "models", "demo"}

POLICY_CALL = re.compile(r"\b(\w+_policy)\.(\w+)\b")


def _templates():
    return sorted((ROOT / "templates").rglob("*.html"))


def _request_modules():
    return sorted(p for p in (ROOT / "procure").rglob("*.py") if p.stem in REQUEST_MODULES)


def _domain_modules():
    """Every module of procure/ but the owning ones: operations, reminders, documents,
    imports, jobs, the OCDS builder."""
    return sorted(p for p in (ROOT / "procure").rglob("*.py") if p.stem not in OWNING_MODULES)


def _hits(paths, patterns):
    found = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(pattern.search(line) for pattern in patterns):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}")
    return found


def test_request_modules_are_scanned():
    """The scan sees the modules it is about (a moved tree would make it pass vacuously)."""
    names = {p.relative_to(ROOT).as_posix() for p in _request_modules()}
    assert {"procure/contracts/views.py", "procure/tenders/api.py"} <= names
    domain = {p.relative_to(ROOT).as_posix() for p in _domain_modules()}
    assert {
        "procure/contracts/operations/lifecycle.py",
        "procure/catalogue/pdcfiles.py",
        "procure/reminders/sweep.py",
        "procure/tenders/open_house/operations/setup.py",
    } <= domain
    assert not any(Path(name).stem in OWNING_MODULES for name in domain)
    assert len(_templates()) > 50


def test_templates_ask_the_policy_instead_of_comparing_roles_or_statuses():
    hits = _hits(_templates(), TEMPLATE_PATTERNS)
    assert not hits, "role or status compared in a template:\n" + "\n".join(hits)


def test_request_code_has_no_role_tuples_or_status_literals():
    hits = _hits(_request_modules(), PYTHON_PATTERNS)
    assert not hits, "role tuple or status literal outside the policy:\n" + "\n".join(hits)


def test_no_role_tuples_or_status_literals_outside_the_policies():
    """Operations, reminder sources, document contexts and imports ask the owning domain's
    policy too: its named states and role sets, `machine.allowed(...)`, `can_...`."""
    hits = _hits(_domain_modules(), PYTHON_PATTERNS)
    assert not hits, "role tuple or status literal outside the policy:\n" + "\n".join(hits)


def test_the_scans_catch_what_they_forbid():
    """A scan that matches nothing proves nothing: each forbidden form is caught."""
    template_lines = [
        "{% if current_user.role in ('admin', 'procurement') %}",
        "{% if tender.status == 'concept' %}",
        "{% if signal.state in ('closed', 'merged') %}",
        "{% if o.status != 'open' %}",
        "{% set active = rows|selectattr('status', 'equalto', 'active')|list %}",
    ]
    python_lines = [
        'if current_user.role == "provider":',
        "if user.role not in (ADMIN, CONTRACT_MANAGER):",
        'stmt = stmt.where(Tender.status != "concept")',
        'if registration.status in ("submitted", "admissible"):',
        'stmt.where(Contract.status.in_(("active", "extended")))',
        'if role in REGION_STAFF and role != "admin":',
        'if status not in ("admissible", "selected", "rejected"):',
        'if product.status == "vastgesteld" and v["status"] == "concept":',
    ]
    for line in template_lines:
        assert any(p.search(line) for p in TEMPLATE_PATTERNS), line
    for line in python_lines:
        assert any(p.search(line) for p in PYTHON_PATTERNS), line
    allowed = [
        "{% if contract_policy.can_terminate(current_user, contract) %}",
        '<span class="badge status-{{ tender.status }}">{{ tender.status_label }}</span>',
        "{{ current_user.function_label }}",
    ]
    for line in allowed:
        assert not any(p.search(line) for p in TEMPLATE_PATTERNS), line
    named = [
        "if contract.status in CLOSED:",
        'if product.status == FIXED and v["status"] == CONCEPT:',
        "if not accepts_bids(tender) or _deadline_passed(tender.bid_deadline):",
        "if user.role in policy.OFFICERS:",
    ]
    for line in named:
        assert not any(p.search(line) for p in PYTHON_PATTERNS), line


def test_every_policy_question_a_template_asks_exists(app):
    """`tender_policy.can_publsh(...)` would only fail when that branch renders."""
    missing = []
    for path in _templates():
        for name, attribute in POLICY_CALL.findall(path.read_text(encoding="utf-8")):
            module = app.jinja_env.globals.get(name)
            if module is None or not callable(getattr(module, attribute, None)):
                missing.append(f"{path.relative_to(ROOT)}: {name}.{attribute}")
    assert not missing, "templates ask for policy functions that do not exist:\n" + "\n".join(
        sorted(set(missing))
    )
