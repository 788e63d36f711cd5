"""RTP media: G.711, RFC 4733 telephone-events, 20 ms pacing, recording, hold audio."""
