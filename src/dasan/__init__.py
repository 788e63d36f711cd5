"""Dasan: smart contact-center platform for city governments."""

__version__ = "0.1.0"
