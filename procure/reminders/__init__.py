"""Meldingen (see SPEC section 3)."""
