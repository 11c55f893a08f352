"""Supervision (toezicht): signals about providers with intake, triage, work queue,
investigation, measures, closure, heightened supervision and reporting (SPEC section 3)."""
