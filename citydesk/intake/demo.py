"""Demo entries of the verified accounts directory (example addresses; a real office enters its own)."""

from citydesk.core.models import Unit

from .models import OfficialAccount

# (name, kind, value, unit short name, note)
ACCOUNTS = [
    ("Cổng thông tin điện tử thành phố", "website", "thanhpho.example.gov.vn", "TTTT", ""),
    ("Trang Facebook Trung tâm Thông tin thành phố", "facebook", "https://www.facebook.com/ttttthanhpho", "TTTT", ""),
    ("Zalo OA Thông tin thành phố", "zalo", "https://zalo.me/1234567890123456789", "TTTT", ""),
    ("Kênh Telegram Tin thành phố", "telegram", "@tinthanhpho", "TTTT", ""),
    ("Đường dây nóng Sở Y tế", "phone", "0236 3888 115", "SYT", "24/7"),
    ("Trang Facebook Sở Y tế", "facebook", "https://www.facebook.com/soyte.thanhpho", "SYT", ""),
    ("Đường dây nóng phòng chống thiên tai", "phone", "0236 3822 111", "PCTT", "mùa mưa bão: 24/7"),
    ("Hộp thư tiếp nhận phản ánh", "email", "phananh@thanhpho.example.gov.vn", "TTTT", ""),
]


def load_official_accounts() -> int:
    units = {unit.short_name: unit for unit in Unit.objects.all()}
    created = 0
    for name, kind, value, unit, note in ACCOUNTS:
        account = OfficialAccount(name=name, kind=kind, value=value, unit=units.get(unit), note=note)
        account.full_clean()
        account.save()
        created += 1
    return created
