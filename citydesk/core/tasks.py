"""A job that does nothing but prove the queue works: health checks and the jobs benchmark use it."""

from django_tasks import task


@task()
def ping(number: int) -> int:
    """Return the number: a job whose only effect is being run (and recorded as run)."""
    return number
