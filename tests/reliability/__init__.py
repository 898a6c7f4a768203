"""Reliability and security tests (issue 9): hostile text, bad files, crash safety, concurrency, API."""
