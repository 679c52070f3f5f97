"""Privacy by design: masking personal data, retention, and the citizens' rights of access and erasure."""
