"""Forms of the organisations app: one module per area (team, public, details)."""
