"""The event store: articles, claims, merged events, actors, places and a revision log (SQLite or PostgreSQL)."""
