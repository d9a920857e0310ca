from citydesk.desk.tests.conftest import claim, lead, verifier  # noqa: F401
