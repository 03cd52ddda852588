"""`python -m minikeras ...`: command-line tools for saved Keras models (no code needed)."""
