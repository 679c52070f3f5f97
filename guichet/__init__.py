"""Guichet's core: settings, database and sessions, every table and migration, errors, events, and the
contract between processes (guichet.contract). It imports no other package of the project."""
