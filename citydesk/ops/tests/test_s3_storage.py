"""Media in an S3-compatible object store, configured only from the environment (CITYDESK_MEDIA_STORAGE=s3,
CITYDESK_S3_*), against moto's server on 127.0.0.1 speaking the S3 wire protocol, in a separate process."""

import json
import os

import boto3
import pytest
import requests

from citydesk.core.processes import free_port, manage, scratch_folders

KEY_ID, SECRET = "citydesk-test-key", "citydesk-test-secret-0123456789"
SCRIPT = """
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
name = default_storage.save("original_images/cau-rong.jpg", ContentFile(b"anh cau rong"))
private = storages["private"].save("reports/tip.png", ContentFile(b"anh nguoi bao tin"))
print(name)
print(default_storage.url(name))
print(storages["private"].url(private))
print(storages["private"].open(private).read().decode())
"""


@pytest.fixture
def s3_server():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET, region_name="us-east-1"
    )
    client.create_bucket(Bucket="citydesk-media")
    # What docs/production.md asks of the operator: media/ readable by anyone, private/ by no one.
    public_media = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::citydesk-media/media/*",
            }
        ],
    }
    client.put_bucket_policy(Bucket="citydesk-media", Policy=json.dumps(public_media))
    yield endpoint, client
    server.stop()


def test_media_and_private_files_go_to_the_object_store_named_in_the_environment(s3_server, tmp_path):
    endpoint, client = s3_server
    env = {
        **os.environ,
        **scratch_folders(tmp_path),
        "DJANGO_SETTINGS_MODULE": "citydesk.settings.base",
        "CITYDESK_SQLITE_PATH": str(tmp_path / "unused.sqlite3"),
        "CITYDESK_MEDIA_STORAGE": "s3",
        "CITYDESK_PRIVATE_STORAGE": "s3",
        "CITYDESK_S3_BUCKET": "citydesk-media",
        "CITYDESK_S3_ENDPOINT_URL": endpoint,
        "CITYDESK_S3_REGION": "us-east-1",
        "CITYDESK_S3_ACCESS_KEY_ID": KEY_ID,
        "CITYDESK_S3_SECRET_ACCESS_KEY": SECRET,
    }
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        env.pop(variable, None)
    result = manage(env, "shell", "-c", SCRIPT)
    assert result.returncode == 0, result.stderr[-2000:]
    name, public_url, private_url, private_text = result.stdout.strip().splitlines()
    assert name == "original_images/cau-rong.jpg"
    keys = sorted(item["Key"] for item in client.list_objects_v2(Bucket="citydesk-media")["Contents"])
    assert keys == ["media/original_images/cau-rong.jpg", "private/reports/tip.png"]
    assert client.get_object(Bucket="citydesk-media", Key=keys[0])["Body"].read() == b"anh cau rong"
    assert private_text == "anh nguoi bao tin"
    # Media have a plain public address; the readers' files only a signed, expiring one.
    assert public_url == f"{endpoint}/citydesk-media/media/original_images/cau-rong.jpg"
    assert requests.get(public_url, timeout=10).content == b"anh cau rong"
    assert "X-Amz-Signature=" in private_url and "X-Amz-Expires=" in private_url
    assert requests.get(private_url.split("?")[0], timeout=10).status_code == 403
    assert not (tmp_path / "media").exists() and not (tmp_path / "private").exists()  # nothing on disk


def test_an_unknown_storage_kind_stops_the_start_naming_the_variable(tmp_path):
    env = {**os.environ, **scratch_folders(tmp_path), "DJANGO_SETTINGS_MODULE": "citydesk.settings.base"}
    result = manage({**env, "CITYDESK_MEDIA_STORAGE": "ftp"}, "shell", "-c", "print(1)")
    assert result.returncode != 0
    assert "CITYDESK_MEDIA_STORAGE must be filesystem or s3, not 'ftp'" in result.stderr
