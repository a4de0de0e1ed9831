"""A time budget for one request, checked between the stages of the work (never by killing it)."""

import time
from dataclasses import dataclass

from service.errors import TimeBudgetExceeded


@dataclass(frozen=True, slots=True)
class Deadline:
    """When the work must be done, on the monotonic clock."""

    at: float
    budget_seconds: float

    @classmethod
    def after(cls, seconds: float) -> "Deadline":
        return cls(time.monotonic() + seconds, seconds)

    def check(self, stage: str) -> None:
        """Raise `TimeBudgetExceeded` when the budget is spent, before `stage` begins."""
        if time.monotonic() > self.at:
            raise self.error(stage)

    def remaining(self) -> float | None:
        """Seconds left (none below zero); None without a deadline."""
        return None if self.at == float("inf") else max(0.0, self.at - time.monotonic())

    def error(self, stage: str) -> TimeBudgetExceeded:
        """The error of a budget spent before `stage` began."""
        return TimeBudgetExceeded(
            f"the request ran out of its {self.budget_seconds:g} s budget before {stage}",
            details={"budget_seconds": self.budget_seconds, "stage": stage},
        )


NO_DEADLINE = Deadline(float("inf"), float("inf"))
