"""Signalen (see SPEC section 3)."""
