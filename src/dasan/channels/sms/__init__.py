"""SMS (문자): Korean length rules, opt-out words, the gateway port and its adapters."""
