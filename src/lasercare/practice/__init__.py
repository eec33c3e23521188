"""The clinic's records and workflow as Django apps (see docs/architecture.md)."""
