"""Exercises: the learner writes Django code in the lesson and the course checks it.

The folders under content/exercises/ are the exercises; ``registry`` finds
and validates them, ``views`` serves each one's page, bundle and download,
and ``runtime`` (pure Python, no site code) runs a learner's project in the
browser's worker and in CI. docs/exercises.md is the contract.
"""
