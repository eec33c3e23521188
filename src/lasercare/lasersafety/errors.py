"""The one error the package raises for impossible input."""

from __future__ import annotations


class SafetyInputError(ValueError):
    """An input that no laser or exposure can have: names the field and what is wrong with it."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem
