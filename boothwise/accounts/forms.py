from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)

    def safe_next(self, host: str) -> str:
        target = self.cleaned_data.get("next") or "/"
        if url_has_allowed_host_and_scheme(target, allowed_hosts={host}):
            return str(target)
        return "/"
