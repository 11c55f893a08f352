"""Aanbestedingen (see SPEC section 3)."""
