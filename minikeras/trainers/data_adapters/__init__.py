"""Helpers for what data iterators yield (`keras/src/trainers/data_adapters/`)."""
