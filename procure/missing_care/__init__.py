"""The twice-yearly survey of care the access teams cannot find (seed 001)."""
