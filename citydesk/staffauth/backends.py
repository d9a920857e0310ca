"""django-axes' lockout check as the first authentication backend."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out username and address before any password is checked.

    A call without a request (the test client's `login()`, management commands) comes from no network
    client and has no address to count; axes would raise, this passes it on to the next backend.
    Every log-in screen of citydesk (Wagtail's admin log-in) passes its request."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
