"""Forms of the desk's admin screens; they only parse input, the services decide."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from citydesk.core.images import clean_image
from citydesk.core.models import Unit
from citydesk.core.people import display_name

from .models import ClaimStatus, HarmCategory, Rating

MAX_IMAGE_BYTES = 10 * 1024 * 1024


def desk_staff():
    """Users who may work on claims, through their groups (or as superusers)."""
    through_group = Q(groups__permissions__codename="verify_claim", groups__permissions__content_type__app_label="desk")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | through_group)
        .distinct()
        .order_by("first_name", "username")
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return display_name(user)


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All open"))] + ClaimStatus.choices)
    category = forms.ChoiceField(
        label=_("Harm category"), required=False, choices=[("", _("All"))] + HarmCategory.choices
    )
    assignee = StaffChoiceField(label=_("Assignee"), required=False, queryset=get_user_model().objects.none())
    unit = forms.ModelChoiceField(label=_("Unit"), required=False, queryset=Unit.objects.all())
    seen_from = forms.DateField(label=_("Seen from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    seen_to = forms.DateField(label=_("Seen until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    order = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("priority", _("Priority")), ("latest", _("Latest report")), ("sla", _("Response due first"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = desk_staff()


class ReportForm(forms.Form):
    """A report entered by desk staff: what they saw or were told, as received."""

    text = forms.CharField(label=_("Text of the report"), required=False, max_length=5000, widget=forms.Textarea)
    url = forms.URLField(label=_("Link"), required=False, max_length=1000, assume_scheme="https")
    image = forms.ImageField(label=_("Image"), required=False, help_text=_("JPEG, PNG or WebP, up to 10 MB"))
    category = forms.ChoiceField(label=_("Harm category"), choices=HarmCategory.choices, initial=HarmCategory.OTHER)

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if not image:
            return None
        if image.size > MAX_IMAGE_BYTES:
            raise forms.ValidationError(_("The image is too large (at most 10 MB)."))
        image.seek(0)
        # Re-encoded without metadata, as tips and community photos are: no camera, time or GPS kept.
        return clean_image(image.read())

    def clean(self):
        cleaned_data = super().clean()
        if not (cleaned_data.get("text") or cleaned_data.get("url") or cleaned_data.get("image")):
            raise forms.ValidationError(_("A report needs a text, a link or an image."))
        return cleaned_data


class ClaimEditForm(forms.Form):
    statement = forms.CharField(label=_("Claim"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(label=_("Harm category"), choices=HarmCategory.choices)
    unit = forms.ModelChoiceField(label=_("Unit"), required=False, queryset=Unit.objects.all())


class AssignForm(forms.Form):
    assignee = StaffChoiceField(label=_("Assign to"), queryset=get_user_model().objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = desk_staff()


class EvidenceForm(forms.Form):
    url = forms.URLField(label=_("Source link"), max_length=1000, assume_scheme="https")
    title = forms.CharField(label=_("Source title"), max_length=300)
    quote = forms.CharField(label=_("Quoted passage"), required=False, max_length=3000, widget=forms.Textarea)
    snapshot = forms.CharField(
        label=_("Text snapshot of the page"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class VerdictForm(forms.Form):
    rating = forms.ChoiceField(label=_("Rating"), choices=Rating.choices, widget=forms.RadioSelect)
    summary = forms.CharField(label=_("Summary"), max_length=300)
    explanation = forms.CharField(label=_("Explanation"), max_length=10000, widget=forms.Textarea)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class MergeForm(forms.Form):
    claims = forms.ModelMultipleChoiceField(label=_("Claims to merge"), queryset=None)
    into = forms.IntegerField(label=_("Merge into claim number"), min_value=1)

    def __init__(self, *args, **kwargs):
        from .models import Claim

        super().__init__(*args, **kwargs)
        self.fields["claims"].queryset = Claim.objects.exclude(status=ClaimStatus.DUPLICATE)


class MergeIntoForm(forms.Form):
    into = forms.IntegerField(label=_("Merge into claim number"), min_value=1)


class SnapshotRetryForm(forms.Form):
    evidence = forms.IntegerField(min_value=1, max_value=2**31 - 1)


class ConfirmCategoryForm(forms.Form):
    category = forms.ChoiceField(choices=HarmCategory.choices)
