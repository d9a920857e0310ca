"""Input and output shapes of the API (outputs are built by representations.py from the models)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from citydesk.core.links import is_http_url
from citydesk.desk.models import ClaimStatus, HarmCategory, Rating
from citydesk.intake.official import OfficialKind

from .models import WebhookEvent

TEXT_MAX = 5000
URL_MAX = 1000


def http_url(value: str) -> str:
    if value and not is_http_url(value):
        raise serializers.ValidationError(_("Only http:// or https:// links are accepted."))
    return value


# -- outputs ---------------------------------------------------------------------------------------


class RatingSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=Rating.choices, help_text="true | false | misleading | unproven")
    name = serializers.CharField(help_text="Tên mức đánh giá (tiếng Việt) — the rating's name in Vietnamese")
    name_en = serializers.CharField()
    rating_value = serializers.IntegerField(help_text="1 (Sai/False) … 4 (Đúng/True), ClaimReview ratingValue")
    best_rating = serializers.IntegerField()
    worst_rating = serializers.IntegerField()
    summary = serializers.CharField(help_text="Một câu: điều gì là đúng — one sentence: what is true")


class SourceSerializer(serializers.Serializer):
    url = serializers.URLField()
    title = serializers.CharField()
    quote = serializers.CharField(allow_blank=True)


class CorrectionSerializer(serializers.Serializer):
    note = serializers.CharField()
    date = serializers.DateTimeField()


class ClarificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    claim = serializers.CharField(help_text="Nhận định được kiểm chứng — the claim reviewed")
    category = serializers.ChoiceField(choices=HarmCategory.choices)
    category_name = serializers.CharField()
    rating = RatingSerializer()
    explanation = serializers.CharField()
    date_published = serializers.DateTimeField(help_text="Ngày duyệt kết luận — when the verdict was approved")
    date_modified = serializers.DateTimeField(allow_null=True)
    first_seen = serializers.DateTimeField()
    appearances = serializers.ListField(child=serializers.URLField())
    evidence = SourceSerializer(many=True)
    corrections = CorrectionSerializer(many=True)


class ClarificationPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ClarificationSerializer(many=True)


class DataFeedSerializer(serializers.Serializer):
    """schema.org DataFeed of ClaimReview (JSON-LD)."""

    context = serializers.CharField()
    type = serializers.CharField()
    dateModified = serializers.DateTimeField(allow_null=True)
    dataFeedElement = serializers.ListField(child=serializers.DictField())

    def get_fields(self):
        fields = super().get_fields()
        fields["@context"] = fields.pop("context")
        fields["@type"] = fields.pop("type")
        return fields


class UnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    short_name = serializers.CharField(allow_blank=True)


class TopicSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    url = serializers.URLField()


class BylineSerializer(serializers.Serializer):
    name = serializers.CharField()
    unit = UnitSerializer(allow_null=True)


class ArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()
    url = serializers.URLField()
    first_published_at = serializers.DateTimeField(allow_null=True)
    last_published_at = serializers.DateTimeField(allow_null=True)
    topic = TopicSerializer()
    unit = UnitSerializer()
    bylines = BylineSerializer(many=True)


class OfficialAccountSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=OfficialKind.choices)
    value = serializers.CharField()
    unit = UnitSerializer(allow_null=True)
    note = serializers.CharField(allow_blank=True)


class OfficialLookupSerializer(serializers.Serializer):
    query = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=OfficialKind.choices, allow_null=True)
    official = serializers.BooleanField(help_text="Địa chỉ này là của cơ quan — the address itself is official")
    accounts = OfficialAccountSerializer(many=True)


class FiledSerializer(serializers.Serializer):
    id = serializers.UUIDField(allow_null=True, help_text="Chỉ với khóa đối tác — only for partner keys")
    received_at = serializers.DateTimeField()


class CheckResultSerializer(serializers.Serializer):
    verdict = ClarificationSerializer(
        allow_null=True, help_text="Chỉ khi cùng một nhận định — only when it is the same claim"
    )
    related = ClarificationSerializer(many=True)
    filed = FiledSerializer(allow_null=True)


class ReportStatusSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    received_at = serializers.DateTimeField()
    text = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)
    has_image = serializers.BooleanField()
    status = serializers.ChoiceField(
        choices=["received", "in_verification", "published", "not_checkable"],
        help_text="received | in_verification | published | not_checkable",
    )
    clarification = ClarificationSerializer(allow_null=True)


class ReportPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ReportStatusSerializer(many=True)


class WebhookSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    url = serializers.URLField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices))
    is_active = serializers.BooleanField()
    consecutive_failures = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(help_text="Chỉ hiện một lần — shown once: verify X-Citydesk-Signature with it")


class StaffReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)
    channel = serializers.CharField()
    received_at = serializers.DateTimeField()
    has_image = serializers.BooleanField()


class StaffVerdictSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Rating.choices)
    summary = serializers.CharField()
    proposed_at = serializers.DateTimeField()
    approved_at = serializers.DateTimeField(allow_null=True)
    withdrawn_at = serializers.DateTimeField(allow_null=True)


class StaffClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    statement = serializers.CharField()
    category = serializers.ChoiceField(choices=HarmCategory.choices)
    status = serializers.ChoiceField(choices=ClaimStatus.choices)
    unit = UnitSerializer(allow_null=True)
    assignee = serializers.CharField(allow_null=True)
    report_count = serializers.IntegerField()
    priority = serializers.IntegerField(allow_null=True)
    first_seen_at = serializers.DateTimeField()
    last_seen_at = serializers.DateTimeField()


class StaffClaimDetailSerializer(StaffClaimSerializer):
    reports = StaffReportSerializer(many=True)
    evidence = SourceSerializer(many=True)
    verdicts = StaffVerdictSerializer(many=True)
    duplicate_of = serializers.IntegerField(allow_null=True)


class StaffClaimPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = StaffClaimSerializer(many=True)


# -- inputs ----------------------------------------------------------------------------------------


class CheckInputSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX, trim_whitespace=True)
    url = serializers.CharField(required=False, allow_blank=True, max_length=URL_MAX, validators=[http_url])
    file_as_tip = serializers.BooleanField(
        required=False, default=False, help_text="Gửi như một tin báo cho tổ kiểm chứng — file it as a tip"
    )

    def validate(self, data):
        if not (data.get("text") or data.get("url")):
            raise serializers.ValidationError(_("Send a text, a link or both."))
        return data


class ReportInputSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX)
    url = serializers.CharField(required=False, allow_blank=True, max_length=URL_MAX, validators=[http_url])
    image = serializers.FileField(required=False, allow_empty_file=False, help_text="JPEG, PNG, WebP, GIF, HEIC")

    def validate(self, data):
        if not (data.get("text", "").strip() or data.get("url") or data.get("image")):
            raise serializers.ValidationError(_("Send a text, a link or an image."))
        return data


class WebhookInputSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=URL_MAX, validators=[http_url])
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices), min_length=1, max_length=len(WebhookEvent.values)
    )
