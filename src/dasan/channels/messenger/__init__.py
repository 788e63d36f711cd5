"""Portals and messengers (민간포털): a generic signed-webhook channel and the LINE adapter."""
