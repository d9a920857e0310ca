"""Error reports never carry secrets: platform tokens typed into admin forms are hidden like passwords."""

import re

from django.views.debug import SafeExceptionReporterFilter

SECRET_FIELDS = re.compile(r"token|secret|password|key", flags=re.IGNORECASE)


class SecretsHiddenFilter(SafeExceptionReporterFilter):
    """Django hides POST fields only where a view is marked sensitive; Wagtail's snippet forms are not,
    so every field whose name says it holds a secret is hidden everywhere."""

    hidden_settings = re.compile(r"API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE", flags=re.IGNORECASE)

    def get_post_parameters(self, request):
        parameters = super().get_post_parameters(request)
        if request is None or not parameters:
            return parameters
        cleansed = parameters.copy()
        for name in cleansed:
            if SECRET_FIELDS.search(name):
                cleansed[name] = self.cleansed_substitute
        return cleansed
