"""Names shared by the separation simulator and its exact oracles."""

EVENTS = ("exp_D1", "lin_D1", "exp_D0", "lin_D0")
"""(network, dataset) pairs; the *correct* outcome is F > 0 for exp_D1 and F = 0 otherwise."""
