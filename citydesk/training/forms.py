from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from citydesk.core.models import Unit
from citydesk.core.scoping import managed_units

from . import selectors
from .models import Case, CoursePage


class AssignmentForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=CoursePage.objects.none())
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    user = forms.ModelChoiceField(label=_("Person"), queryset=get_user_model().objects.none(), required=False)
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.live().order_by("title")
        self.fields["unit"].queryset = managed_units(actor).order_by("name")
        self.fields["user"].queryset = selectors.managed_trainees(actor).order_by("username")
        self.fields["user"].label_from_instance = lambda u: (
            f"{u.contributor_profile.name} ({u.username})" if hasattr(u, "contributor_profile") else u.username
        )

    def clean(self):
        data = super().clean()
        if bool(data.get("unit")) == bool(data.get("user")):
            raise forms.ValidationError(_("Choose a unit or a person, not both."))
        return data


class CaseForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ["title", "statement", "summary", "reasoning", "sample_message", "look_for", "is_active"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in ("statement", "reasoning", "look_for")}
