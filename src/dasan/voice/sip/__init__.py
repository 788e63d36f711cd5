"""SIP signalling: message helpers over aiosipua's parser, and the UDP endpoint."""
