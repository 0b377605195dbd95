"""FL010 unused-suppression: an inline suppression that suppresses nothing.

What it does
    Reports an inline suppression when no finding of that code stands on its line or the
    line below it.

Why is this bad?
    A suppression outlives the problem it hid; left in place it will silently hide the next,
    real one at that line.

Example
    TIMEOUT_S = 600  # a suppression of FL002 here, now that the value agrees

Use instead
    TIMEOUT_S = 600
"""

from __future__ import annotations

from tools.drift_check.suppress import UNUSED_CODE


# Documentation only: `apply_suppressions` reports these, as only it knows which suppressions
# were used.
class UnusedSuppression:
    code = UNUSED_CODE
    name = "unused-suppression"
    summary = "An inline suppression comment suppresses nothing."
    documentation = __doc__ or ""
