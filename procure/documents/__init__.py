"""Documenten (see SPEC section 3)."""
