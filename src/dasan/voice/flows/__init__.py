"""The ARS as data: a flow is JSON (nodes and prompts), versioned in the database, validated
before it is published, interpreted per call by `engine.run`, and dry-run by `simulate`."""
