"""The sandbox apps: small, real Django apps that lessons embed and show.

This package holds one folder per app plus what they share: the demo
registry, per-visitor tenancy, and the plumbing that lets a lesson page
embed them through htmx.
"""
