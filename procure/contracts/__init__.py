"""Contracten (see SPEC section 3)."""
