"""Forms of the contributor network's screens; the services check the rules again."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from citydesk.core.models import ContributorProfile, Unit
from citydesk.newsroom.models import TopicPage

from .models import Assignment

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _writers():
    return ContributorProfile.objects.filter(is_active=True, user__isnull=False, user__is_active=True).select_related(
        "unit"
    )


class WriterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.byline


class WritersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.byline


class AssignmentForm(forms.Form):
    title = forms.CharField(label=_("Working title"), max_length=255)
    brief = forms.CharField(
        label=_("Brief"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the article must answer, for whom, and the sources to use"),
    )
    contributor = WriterChoiceField(
        label=_("Contributor"),
        queryset=_writers(),
        help_text=_(
            "Only active contributors with a log-in are listed: they write the draft in the admin. "
            "Invite the others from the contributor directory."
        ),
    )
    co_authors = WritersChoiceField(
        label=_("Co-authors"), queryset=_writers(), required=False, widget=forms.CheckboxSelectMultiple
    )
    deadline = forms.DateTimeField(label=_("Deadline"), widget=DATETIME)
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=TopicPage.objects.order_by("title"))
    claim = forms.IntegerField(
        label=_("Claim number"), required=False, min_value=1, help_text=_("For an explainer a claim needs")
    )

    def clean_claim(self):
        from citydesk.desk.models import Claim

        number = self.cleaned_data.get("claim")
        if number is None:
            return None
        claim = Claim.objects.filter(pk=number).first()
        if claim is None:
            raise forms.ValidationError(_("There is no claim number %(pk)s.") % {"pk": number})
        return claim


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class DeadlineForm(forms.Form):
    deadline = forms.DateTimeField(label=_("New deadline"), widget=DATETIME)


class AssignmentFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All open")), ("all", _("All"))] + Assignment.Status.choices
    )


class PitchForm(forms.Form):
    title = forms.CharField(label=_("Working title"), max_length=255)
    angle = forms.CharField(
        label=_("Angle"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the story says and why readers need it"),
    )
    sources = forms.CharField(
        label=_("Sources"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    expected_date = forms.DateField(label=_("Expected date"), widget=DATE)


class PitchAcceptForm(forms.Form):
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=TopicPage.objects.order_by("title"))
    deadline = forms.DateTimeField(
        label=_("Deadline"), required=False, widget=DATETIME, help_text=_("Empty: 17:00 on the expected date")
    )
    brief = forms.CharField(
        label=_("Brief"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Empty: the pitch's angle and sources"),
    )


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label=_("Expertise or name"), required=False, max_length=200)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.all(), required=False)
    language = forms.CharField(label=_("Language"), required=False, max_length=50)
    available = forms.BooleanField(label=_("Available only"), required=False)
    inactive = forms.BooleanField(label=_("Include inactive"), required=False)


class InvitationForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"))
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.all())
    title = forms.CharField(label=_("Title or position"), max_length=200, required=False)
    expertise = forms.CharField(
        label=_("Areas of expertise"), max_length=500, required=False, help_text=_("Comma-separated topics")
    )


class AcceptInvitationForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Use letters, digits and . @ + - _ only.")},
    )
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password_again = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken; choose another."))
        return username

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class MyProfileForm(forms.ModelForm):
    """What contributors keep up to date themselves: when they can work and how they hear from us."""

    class Meta:
        model = ContributorProfile
        fields = ["availability", "availability_note", "languages", "email_digest"]
