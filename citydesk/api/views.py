"""The Open API v1: thin views that parse input and call the apps' selectors and services."""

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponseNotModified
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from citydesk.core import ratelimit
from citydesk.core.clientip import client_ip
from citydesk.core.images import clean_image
from citydesk.desk import selectors as desk_selectors
from citydesk.desk.models import Channel, ClaimStatus, HarmCategory, Rating
from citydesk.desk.structured_data import claim_review
from citydesk.intake import answers, official
from citydesk.intake import selectors as intake_selectors
from citydesk.intake.models import OfficialAccount
from citydesk.newsroom import selectors as newsroom_selectors
from citydesk.newsroom.models import TopicPage

from . import representations as rep
from . import serializers as s
from . import services
from .authentication import partner_key
from .errors import ApiError
from .models import PartnerReport, PartnerScope, WebhookEndpoint
from .parsers import JSONParser

PUBLIC = ["Công khai — Public"]
PARTNER = ["Đối tác — Partners"]
STAFF = ["Nhân viên — Staff"]


class ETagMixin:
    """A strong ETag on 200 GET answers, and 304 when the client already has that version."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response.render()
            etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
            response["ETag"] = etag
            response["Cache-Control"] = "public, max-age=60"
            wanted = [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]
            if etag in wanted or "*" in wanted:
                not_modified = HttpResponseNotModified()
                not_modified["ETag"] = etag
                return not_modified
        return response


class PublicView(ETagMixin, APIView):
    permission_classes = [permissions.AllowAny]


class HasScope(permissions.BasePermission):
    """A partner key with the view's required_scope."""

    def has_permission(self, request, view) -> bool:
        key = partner_key(request)
        if key is None:
            return False
        return key.has_scope(view.required_scope)


class CanViewClaims(permissions.BasePermission):
    """A staff token whose user may see the desk (desk.view_claim), as in the admin."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and getattr(user, "pk", None) and user.is_active and user.has_perm("desk.view_claim"))


class ClarificationCursor(CursorPagination):
    ordering = "-pk"  # page ids only grow: a cursor never skips or repeats an item
    page_size = 20
    page_size_query_param = "limit"
    max_page_size = 100


MAX_UTC_OFFSET = datetime.timedelta(hours=14)


def _datetime_param(request, name: str):
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        value = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None:
        raise ApiError("invalid", _("%(name)s must be a date and time (ISO 8601)."), params={"name": name})
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value, timezone.get_current_timezone())
        offset = value.utcoffset()
        # Real offsets lie within -12:00..+14:00; a database cannot store "-18:04" and the
        # year 9999 moved to UTC overflows: both are the client's error, not ours.
        if offset is None or abs(offset) > MAX_UTC_OFFSET:
            raise ValueError(raw)
        value = value.astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        raise ApiError("invalid", _("%(name)s must be a date and time (ISO 8601)."), params={"name": name}) from None
    return value


MAX_ID = 2**53  # larger ids exist in no table, and overflow SQLite's integers


def _object_id(pk: int) -> int:
    """A path id that can name a row, else 404 (a 25-digit id must not reach the database)."""
    if pk > MAX_ID:
        raise ApiError("not_found", _("Not found."), status_code=404)
    return pk


def _choice_param(request, name: str, choices) -> str:
    value = request.query_params.get(name, "")
    if value and value not in choices:
        raise ApiError("invalid", _("%(name)s: unknown value."), params={"name": name})
    return value


def _int_param(request, name: str) -> int | None:
    raw = request.query_params.get(name, "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise ApiError("invalid", _("%(name)s must be a whole number."), params={"name": name})
    return int(raw)


CLARIFICATION_FILTERS = [
    OpenApiParameter("rating", str, enum=Rating.values, description="Mức đánh giá — rating"),
    OpenApiParameter("category", str, enum=HarmCategory.values, description="Nhóm tác hại — harm category"),
    OpenApiParameter("unit", int, description="Đơn vị phụ trách (id) — responsible unit"),
    OpenApiParameter(
        "updated_since", OpenApiTypes.DATETIME, description="Cập nhật từ (ISO 8601) — updated since (ISO 8601)"
    ),
    OpenApiParameter("limit", int, description="Số mục mỗi trang (tối đa 100) — items per page (max 100)"),
    OpenApiParameter("cursor", str, description="Con trỏ trang, lấy từ next/previous — cursor from next/previous"),
]


def filtered_clarifications(request):
    pages = rep.clarifications()
    rating = _choice_param(request, "rating", Rating.values)
    category = _choice_param(request, "category", HarmCategory.values)
    unit = _int_param(request, "unit")
    since = _datetime_param(request, "updated_since")
    if rating:
        pages = pages.filter(rating=rating)
    if category:
        pages = pages.filter(claim__category=category)
    if unit is not None:
        pages = pages.filter(claim__unit_id=unit)
    if since is not None:
        pages = pages.filter(last_published_at__gte=since)
    return pages


class ClarificationList(PublicView):
    @extend_schema(
        operation_id="clarifications_list",
        tags=PUBLIC,
        summary="Danh sách làm rõ — Clarifications",
        description=(
            "Các bài làm rõ đã công bố, mới nhất trước, phân trang bằng con trỏ ổn định; có ETag.\n\n"
            "Published clarifications, newest first, with stable cursor paging and an ETag."
        ),
        parameters=CLARIFICATION_FILTERS,
        responses=s.ClarificationPageSerializer,
    )
    def get(self, request):
        paginator = ClarificationCursor()
        try:
            page = paginator.paginate_queryset(filtered_clarifications(request), request, view=self)
        except NotFound:
            raise ApiError("invalid", _("The cursor is not valid.")) from None
        results = [item for item in (rep.clarification(p, request) for p in page) if item]
        return Response(
            {"next": paginator.get_next_link(), "previous": paginator.get_previous_link(), "results": results}
        )


class ClarificationDetail(PublicView):
    @extend_schema(
        operation_id="clarifications_get",
        tags=PUBLIC,
        summary="Một bài làm rõ — One clarification",
        description="Theo định dạng ClaimReview. — Shaped on schema.org ClaimReview.",
        responses=s.ClarificationSerializer,
    )
    def get(self, request, pk: int):
        page = rep.clarifications().filter(pk=_object_id(pk)).first()
        data = rep.clarification(page, request) if page else None
        if data is None:
            raise ApiError("not_found", _("Not found."), status_code=404)
        return Response(data)


class ClarificationFeed(PublicView):
    @extend_schema(
        tags=PUBLIC,
        summary="DataFeed ClaimReview — ClaimReview DataFeed",
        description=(
            "schema.org DataFeed gồm ClaimReview của các bài làm rõ (lọc như danh sách, tối đa 100).\n\n"
            "A schema.org DataFeed of ClaimReview items (same filters as the list, at most 100)."
        ),
        parameters=CLARIFICATION_FILTERS[:4],
        responses=s.DataFeedSerializer,
    )
    def get(self, request):
        pages = list(filtered_clarifications(request).order_by("-last_published_at", "-pk")[:100])
        items = [claim_review(page=p, request=request) for p in pages if p.rating]
        return Response(
            {
                "@context": "https://schema.org",
                "@type": "DataFeed",
                "dateModified": max((p.last_published_at for p in pages), default=None),
                "dataFeedElement": items,
            }
        )


class ArticlePaging(PageNumberPagination):
    page_size = 20
    page_size_query_param = "limit"
    max_page_size = 100

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )


class ArticlePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = s.ArticleSerializer(many=True)


def _paginate(paginator, queryset, request, view):
    try:
        return paginator.paginate_queryset(queryset, request, view=view)
    except NotFound:  # a page past the end, or not a number
        raise ApiError("not_found", _("No such page."), status_code=404) from None


PAGE_PARAMS = [
    OpenApiParameter("page", int, description="Trang — page number"),
    OpenApiParameter("limit", int, description="Số mục mỗi trang (tối đa 100) — items per page (max 100)"),
]


class ArticleList(PublicView):
    @extend_schema(
        operation_id="articles_list",
        tags=PUBLIC,
        summary="Bài viết — Articles",
        description="Bài viết đã xuất bản, mới nhất trước. — Published articles, newest first.",
        parameters=[
            OpenApiParameter("topic", str, description="Slug chuyên mục — topic slug"),
            OpenApiParameter("updated_since", OpenApiTypes.DATETIME, description="Cập nhật từ — updated since"),
            *PAGE_PARAMS,
        ],
        responses=ArticlePageSerializer,
    )
    def get(self, request):
        articles = newsroom_selectors.live_articles().prefetch_related("bylines__contributor__unit")
        slug = request.query_params.get("topic", "")
        if slug:
            # No slug holds a NUL character, and PostgreSQL refuses one in a query's text.
            topic = None if "\x00" in slug else TopicPage.objects.live().public().filter(slug=slug).first()
            if topic is None:
                raise ApiError("not_found", _("No such topic."), status_code=404)
            articles = articles.child_of(topic)
        since = _datetime_param(request, "updated_since")
        if since is not None:
            articles = articles.filter(last_published_at__gte=since)
        paginator = ArticlePaging()
        page = _paginate(paginator, articles, request, self)
        return paginator.get_paginated_response([rep.article(a, request) for a in page])


class ArticleDetail(PublicView):
    @extend_schema(
        operation_id="articles_get", tags=PUBLIC, summary="Một bài viết — One article", responses=s.ArticleSerializer
    )
    def get(self, request, pk: int):
        article = newsroom_selectors.live_articles().filter(pk=_object_id(pk)).first()
        if article is None:
            raise ApiError("not_found", _("Not found."), status_code=404)
        return Response(rep.article(article, request))


class TopicList(PublicView):
    @extend_schema(
        tags=PUBLIC,
        summary="Chuyên mục — Topics",
        description="Các chuyên mục của trang tin. — The newsroom's topics.",
        responses=s.TopicSerializer(many=True),
    )
    def get(self, request):
        topics = TopicPage.objects.live().public().order_by("path")
        return Response([rep.topic(t, request) for t in topics])


class OfficialAccountList(PublicView):
    @extend_schema(
        tags=PUBLIC,
        summary="Tài khoản chính thức — Verified accounts",
        description="Danh bạ tài khoản chính thức của cơ quan. — The office's verified accounts directory.",
        parameters=[OpenApiParameter("kind", str, enum=official.OfficialKind.values, description="Loại — kind")],
        responses=s.OfficialAccountSerializer(many=True),
    )
    def get(self, request):
        accounts = OfficialAccount.objects.filter(is_active=True).select_related("unit")
        kind = _choice_param(request, "kind", official.OfficialKind.values)
        if kind:
            accounts = accounts.filter(kind=kind)
        return Response([rep.official_account(a) for a in accounts])


class OfficialLookup(PublicView):
    @extend_schema(
        tags=PUBLIC,
        summary="Có phải chính thức? — Is this official?",
        description=(
            "Tra một đường dẫn, @tên, tên miền, số điện thoại, e-mail hoặc tên. Tên miền con của tên miền "
            "chính thức là chính thức; địa chỉ nhái thì không.\n\n"
            "Look up a link, @handle, domain, phone number, e-mail or name. A sub-domain of an official "
            "domain is official; a look-alike is not."
        ),
        parameters=[OpenApiParameter("q", str, required=True, description="Địa chỉ hoặc tên — address or name")],
        responses=s.OfficialLookupSerializer,
    )
    def get(self, request):
        text = request.query_params.get("q", "")
        if not text.strip():
            raise ApiError("invalid", _("Give an address or a name in q."))
        found = intake_selectors.lookup(text[:500])
        return Response(
            {
                "query": found.query.text,
                "kind": found.query.kind,
                "official": found.official,
                "accounts": [rep.official_account(a) for a in found.accounts],
            }
        )


class Check(APIView):
    permission_classes = [permissions.AllowAny]
    parser_classes = [JSONParser]

    @extend_schema(
        tags=PUBLIC,
        summary="Đã kiểm chứng chưa? — Has this been checked?",
        description=(
            "Tìm bài làm rõ đã công bố khớp với nội dung/đường dẫn, theo đúng quy tắc của trả lời tức thì: "
            "chỉ trả `verdict` khi là cùng một nhận định, nếu không thì `related`. Không lưu gì, trừ khi "
            "`file_as_tip` là true.\n\n"
            "Published clarifications matching the text and/or link, by the tipline's instant-answer rule: "
            "`verdict` only when it is the same claim, otherwise `related`. Nothing is stored unless "
            "`file_as_tip` is true."
        ),
        request=s.CheckInputSerializer,
        responses=s.CheckResultSerializer,
    )
    def post(self, request):
        data = s.CheckInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        text, url = data.validated_data.get("text", ""), data.validated_data.get("url", "")
        filed = None
        if data.validated_data["file_as_tip"]:
            key = partner_key(request)
            if key is not None:
                filing, outcome_answer = services.partner_report_file(key=key, text=text, url=url)
                filed = {"id": filing.public_id, "received_at": filing.report.received_at}
            else:
                if not ratelimit.allow(
                    "api:tip",
                    client_ip(request),
                    limit=settings.CITYDESK_TIP_RATE_LIMIT,
                    window_seconds=settings.CITYDESK_TIP_RATE_WINDOW,
                ):
                    raise ApiError("throttled", _("Too many tips from this address. Please wait."), status_code=429)
                outcome = answers.take_tip(channel=Channel.API, text=text, url=url)
                outcome_answer = outcome.answer
                filed = {"id": None, "received_at": outcome.report.received_at}
        else:
            outcome_answer = answers.find_answer(text, url)
        verdict, related = None, []
        if outcome_answer is not None:
            page = rep.clarifications().filter(pk=outcome_answer.page.pk).first()
            shown = rep.clarification(page, request) if page else None
            if shown is not None:
                if outcome_answer.sure:
                    verdict = shown
                else:
                    related = [shown]
        return Response({"verdict": verdict, "related": related, "filed": filed})


class ReportPaging(CursorPagination):
    ordering = "-pk"
    page_size = 20
    page_size_query_param = "limit"
    max_page_size = 100


class Reports(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_permissions(self):
        self.required_scope = PartnerScope.REPORTS_FILE if self.request.method == "POST" else PartnerScope.REPORTS_READ
        return [HasScope()]

    @extend_schema(
        operation_id="reports_list",
        tags=PARTNER,
        summary="Báo cáo đã gửi — Reports this key filed",
        description="Chỉ các báo cáo do chính khóa này gửi. — Only the reports this key filed.",
        parameters=[OpenApiParameter("limit", int), OpenApiParameter("cursor", str)],
        responses=s.ReportPageSerializer,
    )
    def get(self, request):
        paginator = ReportPaging()
        filings = PartnerReport.objects.filter(key=partner_key(request)).select_related("report__claim")
        try:
            page = paginator.paginate_queryset(filings, request, view=self)
        except NotFound:
            raise ApiError("invalid", _("The cursor is not valid.")) from None
        return Response(
            {
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "results": [rep.partner_report(f, request) for f in page],
            }
        )

    @extend_schema(
        tags=PARTNER,
        summary="Gửi báo cáo — File a report",
        description=(
            "Nội dung, đường dẫn (http/https) và/hoặc ảnh (multipart). Kênh được ghi là đối tác.\n\n"
            "Text, link (http/https) and/or image (multipart). The channel is recorded as partner."
        ),
        request={"multipart/form-data": s.ReportInputSerializer, "application/json": s.ReportInputSerializer},
        responses={201: s.ReportStatusSerializer},
    )
    def post(self, request):
        data = s.ReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        image = None
        upload = data.validated_data.get("image")
        if upload is not None:
            if upload.size > settings.CITYDESK_TIP_MAX_IMAGE_BYTES:
                raise ApiError("too_large", _("The image is too large."), status_code=413)
            try:
                image = clean_image(upload.read())
            except DjangoValidationError as error:
                raise ApiError("invalid_image", error.messages[0]) from None
        filing, _answer = services.partner_report_file(
            key=partner_key(request),
            text=data.validated_data.get("text", "").strip(),
            url=data.validated_data.get("url", ""),
            image=image,
        )
        return Response(rep.partner_report(filing, request), status=201)


class ReportDetail(APIView):
    permission_classes = [HasScope]
    required_scope = PartnerScope.REPORTS_READ

    @extend_schema(
        operation_id="reports_get",
        tags=PARTNER,
        summary="Trạng thái báo cáo — Report status",
        responses=s.ReportStatusSerializer,
    )
    def get(self, request, report_id):
        filing = PartnerReport.objects.filter(key=partner_key(request), public_id=report_id).first()
        if filing is None:  # another key's report is "not found", not "forbidden": nothing leaks
            raise ApiError("not_found", _("Not found."), status_code=404)
        return Response(rep.partner_report(filing, request))


def _webhook(endpoint: WebhookEndpoint) -> dict:
    return {
        "id": endpoint.public_id,
        "url": endpoint.url,
        "events": endpoint.events,
        "is_active": endpoint.is_active,
        "consecutive_failures": endpoint.consecutive_failures,
        "created_at": endpoint.created_at,
    }


class Webhooks(APIView):
    permission_classes = [HasScope]
    required_scope = PartnerScope.WEBHOOKS
    parser_classes = [JSONParser]

    @extend_schema(
        tags=PARTNER, summary="Webhook của khóa — This key's webhooks", responses=s.WebhookSerializer(many=True)
    )
    def get(self, request):
        return Response([_webhook(e) for e in partner_key(request).webhooks.all()])

    @extend_schema(
        tags=PARTNER,
        summary="Đăng ký webhook — Register a webhook",
        description=(
            "Chỉ địa chỉ http(s) công khai. Mỗi lần gửi được ký HMAC-SHA256 trên `timestamp.body` với secret "
            "(chỉ hiện một lần), trong X-Citydesk-Signature và X-Citydesk-Timestamp.\n\n"
            "Public http(s) addresses only. Each delivery is signed with HMAC-SHA256 over `timestamp.body` "
            "with the secret (shown once), in X-Citydesk-Signature and X-Citydesk-Timestamp."
        ),
        request=s.WebhookInputSerializer,
        responses={201: s.WebhookCreatedSerializer},
    )
    def post(self, request):
        data = s.WebhookInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint, secret = services.webhook_register(
            key=partner_key(request), url=data.validated_data["url"], events=data.validated_data["events"]
        )
        return Response({**_webhook(endpoint), "secret": secret}, status=201)


class WebhookDetail(APIView):
    permission_classes = [HasScope]
    required_scope = PartnerScope.WEBHOOKS

    @extend_schema(tags=PARTNER, summary="Xóa webhook — Delete a webhook", responses={204: None})
    def delete(self, request, webhook_id):
        endpoint = partner_key(request).webhooks.filter(public_id=webhook_id).first()
        if endpoint is None:
            raise ApiError("not_found", _("Not found."), status_code=404)
        services.webhook_delete(endpoint=endpoint)
        return Response(status=204)


class StaffPaging(ArticlePaging):
    pass


class DeskClaims(APIView):
    permission_classes = [CanViewClaims]

    @extend_schema(
        operation_id="desk_claims_list",
        tags=STAFF,
        summary="Hộp thư kiểm chứng — Desk inbox",
        description=(
            "Như hộp thư trong trang quản trị (mặc định các nhận định đang mở, ưu tiên cao trước); chỉ đọc.\n\n"
            "As the admin's inbox (open claims by default, highest priority first); read only."
        ),
        parameters=[
            OpenApiParameter("status", str, enum=ClaimStatus.values, description="Trạng thái — status"),
            OpenApiParameter("category", str, enum=HarmCategory.values, description="Nhóm tác hại — harm category"),
            OpenApiParameter("order", str, enum=["priority", "latest"]),
            *PAGE_PARAMS,
        ],
        responses=s.StaffClaimPageSerializer,
    )
    def get(self, request):
        claims = desk_selectors.inbox(
            status=_choice_param(request, "status", ClaimStatus.values),
            category=_choice_param(request, "category", HarmCategory.values),
            order=_choice_param(request, "order", ["priority", "latest"]) or "priority",
        )
        paginator = StaffPaging()
        page = _paginate(paginator, claims, request, self)
        return paginator.get_paginated_response([rep.staff_claim(c) for c in page])


class DeskClaimDetail(APIView):
    permission_classes = [CanViewClaims]

    @extend_schema(
        operation_id="desk_claims_get",
        tags=STAFF,
        summary="Một nhận định — One claim",
        responses=s.StaffClaimDetailSerializer,
    )
    def get(self, request, pk: int):
        claim = desk_selectors.claims_with_priority().filter(pk=_object_id(pk)).first()
        if claim is None:
            raise ApiError("not_found", _("Not found."), status_code=404)
        return Response(rep.staff_claim(claim, detail=True))
