"""Test support: a scripted OpenAI-compatible server, so tests exercise the real SDK offline."""
