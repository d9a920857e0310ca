"""When a background process last did its round (the scheduler's tick), read by /readyz and /metrics."""

from django.db import models
from django.utils import timezone


class Heartbeat(models.Model):
    """One row per process kind ("scheduler"): the time its last round ended."""

    name = models.CharField(max_length=40, unique=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def beat(cls, name: str) -> None:
        cls.objects.update_or_create(name=name, defaults={"at": timezone.now()})
