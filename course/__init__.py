"""Klart jeg kan: course-program manager for NAV youth teams."""

__version__ = "0.1.0"
