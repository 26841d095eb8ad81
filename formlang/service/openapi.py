"""The OpenAPI 3.1 document of the service's JSON API (served at `/api/openapi.json`).

Written out rather than generated, so that it says what the API promises
(status codes, error bodies, the bearer scheme) and nothing it does not;
`tests/service/test_openapi.py` runs schemathesis against it.
"""

from __future__ import annotations

from typing import Any

_ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
}
_VALIDATION_ERROR = {
    "type": "object",
    "required": ["path", "code", "message", "severity"],
    "properties": {
        "path": {"type": "string", "description": "JSON pointer into the submission"},
        "code": {"type": "string"},
        "message": {"type": "string"},
        "severity": {"enum": ["error", "warning"]},
        "field": {"type": ["string", "null"]},
        "label": {"type": ["string", "null"]},
        "location": {"type": ["string", "null"]},
    },
}
_SUMMARY = {
    "type": "object",
    "required": ["id", "form", "received_at", "links"],
    "properties": {
        "id": {"type": "string", "pattern": "^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$"},
        "form": {"type": "string"},
        "version": {"type": ["string", "null"]},
        "lang": {"type": "string"},
        "received_at": {"type": "string"},
        "links": {"type": "object"},
    },
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    words = {
        400: "bad request",
        401: "no or a wrong bearer token",
        404: "no such form or submission",
        409: "idempotency key used for another request",
        413: "request too large",
        415: "unsupported content type",
        429: "too many posts from this address (with --rate-limit; see Retry-After)",
    }
    return {str(c): _json({"$ref": "#/components/schemas/Error"}, words[c]) for c in codes}


def _id_param() -> dict[str, Any]:
    return {"name": "ident", "in": "path", "required": True, "schema": {"type": "string"}}


def _pdf(description: str) -> dict[str, Any]:
    return {
        "get": {
            "summary": description,
            "security": [{"bearer": []}],
            "parameters": [_id_param()],
            "responses": {
                "200": {"description": "the PDF", "content": {"application/pdf": {}}},
                **_errors(401, 404),
            },
        }
    }


def document(form_ids: list[str]) -> dict[str, Any]:
    form_param = {
        "name": "form_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": form_ids or ["none"]},
    }
    listing = [
        {"name": "form", "in": "query", "schema": {"type": "string"}},
        {"name": "since", "in": "query", "schema": {"type": "string", "format": "date-time"}},
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "formlang form service",
            "version": "1",
            "description": "Submissions from portals; the back office behind a bearer token.",
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": _ERROR,
                "ValidationError": _VALIDATION_ERROR,
                "SubmissionSummary": _SUMMARY,
            },
        },
        "paths": {
            "/api/forms": {
                "get": {
                    "summary": "The forms offered",
                    "responses": {"200": _json({"type": "object"}, "the forms")},
                }
            },
            "/api/forms/{form_id}/submissions": {
                "post": {
                    "summary": "Send a submission",
                    "parameters": [
                        form_param,
                        {"name": "lang", "in": "query", "schema": {"enum": ["de", "en"]}},
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "schema": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,200}$"},
                        },
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "responses": {
                        "201": _json(
                            {
                                "type": "object",
                                "required": ["id", "receipt"],
                                "properties": {
                                    "id": {"type": "string"},
                                    "receipt": {"type": "string"},
                                    "received_at": {"type": "string"},
                                },
                            },
                            "stored",
                        ),
                        "422": _json(
                            {
                                "type": "object",
                                "required": ["ok", "errors"],
                                "properties": {
                                    "ok": {"const": False},
                                    "errors": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/ValidationError"},
                                    },
                                },
                            },
                            "the errors of form.validate",
                        ),
                        **_errors(400, 404, 409, 413, 415, 429),
                    },
                }
            },
            "/api/submissions": {
                "get": {
                    "summary": "Submissions in the order they were stored",
                    "security": [{"bearer": []}],
                    "parameters": [
                        *listing,
                        {
                            "name": "after",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 0},
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 0, "maximum": 1000},
                        },
                    ],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["items", "next"],
                                "properties": {
                                    "items": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/SubmissionSummary"},
                                    },
                                    "next": {"type": ["string", "null"]},
                                },
                            },
                            "one page",
                        ),
                        **_errors(400, 401),
                    },
                }
            },
            "/api/submissions/{ident}": {
                "get": {
                    "summary": "One submission: its effective data and files",
                    "security": [{"bearer": []}],
                    "parameters": [_id_param()],
                    "responses": {
                        "200": _json({"type": "object"}, "the submission"),
                        **_errors(401, 404),
                    },
                }
            },
            "/api/submissions/{ident}/pdf": _pdf("The filled PDF (PDF/UA)"),
            "/api/submissions/{ident}/archive.pdf": _pdf(
                "The archive PDF (PDF/A-3, data embedded)"
            ),
            "/api/export": {
                "get": {
                    "summary": "All submissions as JSON lines",
                    "security": [{"bearer": []}],
                    "parameters": listing,
                    "responses": {
                        "200": {
                            "description": "JSON lines",
                            "content": {"application/x-ndjson": {}},
                        },
                        **_errors(400, 401),
                    },
                }
            },
        },
    }
