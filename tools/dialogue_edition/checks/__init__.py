"""Checks on the built editions (links, text, metadata), used by the tests and by people.

Each function returns a list of problems as readable strings; an empty list means the check holds.
"""
