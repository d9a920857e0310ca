"""The per-request metrics (counts and latencies by view), apart from the office's figures in
metrics.py: the middleware that counts every request (and the page cache's hits) imports only these,
not the database models the office's figures read."""

from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "citydesk_http_requests", "HTTP requests answered, by view, method and status", ["view", "method", "status"]
)
LATENCY = Histogram(
    "citydesk_http_request_duration_seconds",
    "Time to answer an HTTP request, by view",
    ["view", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


_children: dict = {}  # (view, method, status) -> (counter, histogram): labels() locks and builds a key each call


def observe(*, view: str, method: str, status: int, seconds: float) -> None:
    labels = (view, method, status)
    children = _children.get(labels)
    if children is None:
        children = (
            REQUESTS.labels(view=view, method=method, status=str(status)),
            LATENCY.labels(view=view, method=method),
        )
        if len(_children) < 10_000:  # views, methods and statuses are few; never grows without bound
            _children[labels] = children
    children[0].inc()
    children[1].observe(seconds)
