"""A sandbox app that exists only for the inspector's tests.

It does what the real apps do (queries, converters, templates, session
changes, key rotation, a redirect) plus what they must never do (fail), so
every part of a trace can be checked in one place.
"""
