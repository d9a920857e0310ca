from citydesk.desk.tests.conftest import claim, evidenced_claim, proposed_claim  # noqa: F401
