"""Personal data: masked by default on every surface, raw only through an audited reveal, and
the raw form encrypted at rest (ADR 0005)."""
