"""Metrics: each indicator declared once as a record; one compute() interprets any of them."""
