"""Presence: one model of agent states for every channel (chat today, calls and written
channels next). See `states` for the states and the timing rules, `service` for the API."""
