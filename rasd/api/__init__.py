"""rasd's HTTP API (FastAPI) and the dashboard it serves: `create_app(ApiSettings(...))`."""
from rasd.api.app import ApiSettings, create_app

__all__ = ["ApiSettings", "create_app"]
