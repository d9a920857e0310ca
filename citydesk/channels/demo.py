"""A demo channel that works offline: an e-mail list (the demo's mail goes to files in var/mail/)."""

from .models import ChannelAccount


def load_channel_accounts() -> list[ChannelAccount]:
    account, _created = ChannelAccount.objects.get_or_create(
        name="Danh sách báo chí (e-mail)",
        kind="email",
        defaults={"target": "toa-soan@example.vn, phong-vien@example.vn", "auto_clarifications": True},
    )
    return [account]
