"""Transition and change of a running contract: the transition period for care still
running at its end (seed 003, 10.4), addenda that each produce a new version of the
contract document (seed 001) and the register of subcontractors (seeds 000 and 003)."""
