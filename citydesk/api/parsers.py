"""The API's JSON parser: a body nested too deep to decode is a 400 (parse_error), not a 500."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:  # json nested thousands deep exhausts the decoder's recursion
            raise ParseError("JSON nested too deep") from None
