from io import StringIO

from django.core.management import call_command

from citydesk.api.models import StaffToken
from citydesk.conftest import make_user
from citydesk.core import roles

from .conftest import bearer


def test_the_command_prints_a_token_once_that_reads_the_desk_and_can_be_revoked(client, db):
    make_user("kiemchung", roles.DESK_VERIFIER)
    out = StringIO()
    call_command("staff_token", user="kiemchung", name="bảng tin", stdout=out)
    value = out.getvalue().strip()
    token = StaffToken.objects.get()
    assert value.startswith(f"cdt_{token.prefix}_") and value not in token.key_hash
    assert client.get("/api/v1/desk/claims/", **bearer(value)).status_code == 200
    call_command("staff_token", revoke=token.prefix, stdout=StringIO())
    assert client.get("/api/v1/desk/claims/", **bearer(value)).status_code == 401
