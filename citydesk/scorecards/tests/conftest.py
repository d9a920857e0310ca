from citydesk.desk.tests.conftest import claim, evidenced_claim, lead, proposed_claim, verifier  # noqa: F401
