"""Klong conformance suite: case tables (``cases/*.kc``) derived from the
reference manual, and a small runner (:mod:`klong.conformance.runner`) that
checks any interpreter and backend against them."""
