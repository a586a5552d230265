"""The HTTP service: named collections, keys, ingestion jobs, problem+json errors and an OpenAPI 3.1 contract."""

from .app import app_from_env, create_app
from .keys import Keys, load_keys, parse_keys
from .routes import LIMITS, Limits

__all__ = ["create_app", "app_from_env", "Keys", "load_keys", "parse_keys", "Limits", "LIMITS"]
