"""Linli's web side: Flask app factory, webhooks, channel adapters, web pages and the CLI."""
