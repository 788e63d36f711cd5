"""Prompts: a text-to-speech port, its espeak-ng adapter, and the prompt library (cache)."""
