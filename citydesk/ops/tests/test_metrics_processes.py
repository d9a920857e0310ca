"""/metrics with two web processes (waitress, as `manage.py serve` starts it) on one database: either
process's scrape counts both processes' requests (prometheus-client's multiprocess folder) and reads
the office's figures from the database, so Prometheus gets the same answer whichever one it reaches."""

import re
import subprocess

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from citydesk.conftest import ProcessDatabase
from citydesk.core.management.commands.serve import web_command
from citydesk.core.processes import ROOT, free_port, manage
from citydesk.core.tests.test_reverse_proxy import wait_for_port

TOKEN = "metrics-token-0123456789-abcdefghij"
REPORT = (
    "from citydesk.desk.services import report_receive; "
    "report_receive(channel='zalo', text='Trường học quận Sơn Trà đóng cửa cả tuần sau vì dịch bệnh lan rộng')"
)


def samples(port: int) -> dict:
    response = requests.get(
        f"http://127.0.0.1:{port}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
    )
    assert response.status_code == 200, response.text[:500]
    found = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


@pytest.fixture
def two_web_processes(tmp_path):
    database = ProcessDatabase(tmp_path, "metrics")
    database.reset()  # on PostgreSQL: the database itself, made from the migrated template
    (tmp_path / "prometheus").mkdir()
    env = {
        **database.env,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
        "CITYDESK_METRICS_TOKEN": TOKEN,
        "CITYDESK_MATCHING": "0",
    }
    processes, ports = [], []
    try:
        for number in range(2):
            port = free_port()
            log = tmp_path / f"waitress-{number}.log"
            process = subprocess.Popen(
                web_command(f"127.0.0.1:{port}", 2), cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
            )
            processes.append(process)
            wait_for_port(port, process, log)
            ports.append(port)
        yield env, ports, tmp_path
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)


def test_either_process_counts_every_process_requests_and_reads_the_same_office_figures(two_web_processes):
    env, (first, second), folder = two_web_processes
    for _ in range(3):
        assert requests.get(f"http://127.0.0.1:{first}/healthz", timeout=30).status_code == 200
    for _ in range(2):
        assert requests.get(f"http://127.0.0.1:{second}/healthz", timeout=30).status_code == 200
    made = manage(env, "shell", "-c", REPORT)
    assert made.returncode == 0, made.stderr[-1500:]

    key = ("citydesk_http_requests_total", (("method", "GET"), ("status", "200"), ("view", "ops_healthz")))
    from_first, from_second = samples(first), samples(second)
    assert from_first[key] == 5
    assert from_second[key] == 5
    tips = ("citydesk_tips_received_total", (("channel", "zalo"),))
    assert from_first[tips] == from_second[tips] == 1
    latency = ("citydesk_http_request_duration_seconds_count", (("method", "GET"), ("view", "ops_healthz")))
    assert from_second[latency] == 5
    # Each process wrote one access line per request, in the one text format (time, level, logger, request id).
    access = re.compile(r"^\S+ INFO citydesk\.access \[[0-9a-f]{32}\] GET /healthz 200 [0-9.]+ms$", re.M)
    assert len(access.findall((folder / "waitress-0.log").read_text())) == 3
    assert len(access.findall((folder / "waitress-1.log").read_text())) == 2
