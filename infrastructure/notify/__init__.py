"""Telling the reporter (and followers) about public changes to their request."""
