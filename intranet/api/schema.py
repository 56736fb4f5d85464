"""How the OpenAPI schema describes our token authentication (loaded by the API app's ready())."""

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "intranet.api.authentication.TokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token, created on your profile page and shown once.",
        }


class SessionAuthenticationScheme(SessionScheme):
    """The pages' session cookie, as Django REST framework's (ours only words its refusal)."""

    target_class = "intranet.api.authentication.SessionAuthentication"


# Every operation may answer these, with the same error body: documented once, here.
COMMON_ERRORS = {
    "400": "Fields or parameters not valid, or the action refused (the message says why)",
    "401": "No valid session or token: log in, or give a valid personal token",
    "403": "Visible, but not yours to do (or a session without its CSRF token)",
    "404": "Missing, or not visible to you: the same answer for both",
    "429": "Too many requests: wait a little (see the Retry-After header)",
}


def add_common_errors(result, generator, request, public):
    """Postprocessing hook: each operation lists the errors every endpoint may return."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(
        "Error",
        {
            "type": "object",
            "properties": {
                "detail": {"type": "string"},
                "code": {"type": "string"},
                "errors": {"type": "object", "additionalProperties": {}},
            },
            "required": ["detail", "code"],
        },
    )
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for status_code, description in COMMON_ERRORS.items():
                responses.setdefault(status_code, {"description": description, "content": error})
            if operation.get("requestBody", {}).get("content", {}).get("multipart/form-data"):
                responses.setdefault("413", {"description": "The file or body is too large", "content": error})
    return result
