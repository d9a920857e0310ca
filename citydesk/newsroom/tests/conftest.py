import pytest


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a change and its after-commit callbacks, as a committed request would."""

    def run(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return change(*args, **kwargs)

    return run
