"""OpenAPI details drf-spectacular cannot guess: the bearer scheme and the error answers of every operation."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "message_en"],
            "properties": {
                "code": {"type": "string", "example": "invalid"},
                "message": {
                    "type": "string",
                    "description": "Tiếng Việt",
                    "example": "Yêu cầu có trường không hợp lệ.",
                },
                "message_en": {
                    "type": "string",
                    "description": "English",
                    "example": "The request has invalid fields.",
                },
                "fields": {
                    "type": "object",
                    "additionalProperties": True,
                    "description": "Lỗi theo trường — errors by field",
                },
            },
        }
    },
}
ERRORS = {
    "400": "Dữ liệu không hợp lệ — invalid input",
    "401": "Khóa/token không hợp lệ, hết hạn hoặc bị thu hồi — bad, expired or revoked credentials",
    "403": "Không có quyền — not allowed",
    "404": "Không tìm thấy — not found",
    "405": "Phương thức không được phép — method not allowed",
    "406": "Chỉ trả JSON — JSON only",
    "413": "Quá lớn — too large",
    "415": "Kiểu nội dung không hỗ trợ — unsupported media type",
    "429": "Quá nhiều yêu cầu — too many requests (Retry-After)",
}


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = "citydesk.api.authentication.BearerAuthentication"
    name = "bearer"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "Khóa đối tác `cdk_…` hoặc token nhân viên `cdt_…` — a partner key `cdk_…` or a staff token `cdt_…`"
            ),
        }


# Inputs that need one of several fields (serializers cannot say so).
ONE_OF_REQUIRED = {"CheckInputRequest": ["text", "url"], "ReportInputRequest": ["text", "url", "image"]}


def add_errors(result, generator, request, public):
    """Every operation may answer with the one error shape; list those answers in the schema."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    for name, fields in ONE_OF_REQUIRED.items():
        if name in schemas:
            schemas[name]["anyOf"] = [{"required": [field]} for field in fields]
            for field in fields:
                schemas[name]["properties"][field].setdefault("minLength", 1)
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
            if "200" in responses and "requestBody" not in operation:
                responses["304"] = {"description": "Không đổi (If-None-Match) — not modified (ETag)"}
    return result


def only_v1(endpoints):
    """The schema documents /api/v1/ only (Wagtail's admin uses DRF too, for its own screens)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
