"""Sign-in, sign-out and the language switch."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.views.decorators.http import require_POST

from boothwise.accounts.forms import LanguageForm
from boothwise.accounts.models import User

login = login_not_required(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html", redirect_authenticated_user=True
    )
)
logout = auth_views.LogoutView.as_view()


@login_not_required
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; remembered in a cookie and on the signed-in user."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return HttpResponseRedirect("/")
    code = form.cleaned_data["language"]
    if isinstance(request.user, User):
        request.user.language = code
        request.user.save(update_fields=["language"])
    translation.activate(code)
    response = HttpResponseRedirect(form.safe_next(request.get_host()))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.HTTPS,
    )
    return response
