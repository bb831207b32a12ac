"""riskreg pipeline: sniff -> decode/repair -> parse -> reconcile -> normalise -> load -> report."""

__version__ = "0.1.0"
