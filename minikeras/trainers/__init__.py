"""Training loop machinery."""
