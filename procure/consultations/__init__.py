"""Market consultation as its own stage before a tender (seed 003, 2.1 and 11.1)."""
