"""Django's SQLite backend, keeping the statistics SQLite's query planner needs (see base.py)."""
