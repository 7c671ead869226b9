"""Fault injection: real servers, a real Redis, real clients (issue 13, docs/reliability.md)."""
