"""The JSON API (OpenAPI at /api/v1/docs). Each app contributes a router."""

from ninja import NinjaAPI

api = NinjaAPI(title="aileague API", version="1", urls_namespace="api")
