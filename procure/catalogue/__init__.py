"""Catalogus (see SPEC section 3)."""
