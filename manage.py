#!/usr/bin/env python
"""Django's command-line utility for citydesk."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citydesk.settings.base")
    from citydesk.core.threads import limit_native_threads

    limit_native_threads()  # before anything loads the e5 encoder (citydesk/core/threads.py)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
