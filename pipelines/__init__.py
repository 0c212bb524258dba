"""Ingestion: delivered files -> canonical tables in the DuckDB store."""
