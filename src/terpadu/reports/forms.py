import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from terpadu.reports.figures import GROUPS

MAX_DAYS = 3 * 366
MAX_DAYS_BY_DAY = 366
GROUP_LABELS = {"day": _("Day"), "week": _("Week"), "month": _("Month")}
GROUP_CHOICES = [(group, GROUP_LABELS[group]) for group in GROUPS]


class PeriodForm(forms.Form):
    """The period and grouping of a dashboard, a drill-down list or an export (GET parameters)."""

    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    group = forms.ChoiceField(label=_("Group by"), choices=GROUP_CHOICES, required=False)

    def __init__(self, data, *, today: dt.date, **kwargs):
        # The parameters are named from/to in URLs, as a person would type them.
        data = {"start": data.get("from", ""), "end": data.get("to", ""), "group": data.get("group", "")}
        super().__init__(data, **kwargs)
        self.today = today

    def clean(self):
        cleaned = super().clean()
        end = cleaned.get("end") or self.today
        start = cleaned.get("start") or end.replace(day=1)
        group = cleaned.get("group") or "day"
        if start > end:
            raise forms.ValidationError(_("The start of the period is after its end."))
        if (end - start).days >= MAX_DAYS:
            raise forms.ValidationError(_("Choose a period of at most three years."))
        if group == "day" and (end - start).days >= MAX_DAYS_BY_DAY:
            raise forms.ValidationError(_("Group a period longer than a year by week or month."))
        cleaned.update(start=start, end=end, group=group)
        return cleaned

    def period(self) -> tuple[dt.date, dt.date, str]:
        """The valid period, or the default (this month until today, per day)."""
        if self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"], self.cleaned_data["group"]
        return self.today.replace(day=1), self.today, "day"
