"""Addresses that left a mailing list (the e-mail channel's lists; the digest uses Member.wants_digest).
Only a hash of the address is kept: enough to skip it, not a list of people's addresses."""

import hashlib

from django.db import models


def address_hash(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()


class OptOut(models.Model):
    list_id = models.CharField(max_length=60)  # "channel-<account id>"
    address_hash = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["list_id", "address_hash"], name="one_opt_out_per_list")]

    def __str__(self) -> str:
        return self.list_id
