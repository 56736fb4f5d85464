"""Logging in and out, passwords, invitations and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intranet import actions, selectors
from intranet.exceptions import ActionRefused
from intranet.forms import AcceptInvitationForm, LoginForm
from intranet.links import absolute_url
from intranet.models import Invitation, normalize_email_address


def _set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
    )


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        # A language picked on the login page is the latest explicit choice: the account adopts it.
        chosen = self.request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in dict(settings.LANGUAGES):
            actions.set_preferred_language(user, language=chosen)
        response = super().form_valid(form)
        _set_language_cookie(response, user.language)
        return response


def login_attempt_username(request, credentials) -> str:
    """Failed logins are counted per account whatever the case the address was typed in."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return normalize_email_address(raw)


def client_address(request) -> str:
    """The client's address for throttling: the peer, or the entry our own proxies added."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            # Entries before the ones our proxies appended can be forged by the client.
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def locked_out(request, original_response=None, credentials=None):
    """Too many failures: the same answer whether or not the account exists."""
    form = LoginForm(request, data=None)
    context = {
        "form": form,
        "locked_out": True,
        "next": request.POST.get("next", ""),
    }
    return render(request, "registration/login.html", context, status=429)


@login_not_required
def accept_invitation(request, token: str):
    invitation = selectors.invitation_from_link(token)
    status = invitation.status if invitation else None
    if status != Invitation.Status.PENDING:
        return render(
            request,
            "intranet/invitation_invalid.html",
            {"status": status},
            status=404 if invitation is None else 410,
        )
    if request.user.is_authenticated:
        messages.info(request, _("You are already logged in. Log out to accept an invitation for someone else."))
        return redirect("home")
    initial = {"first_name": invitation.first_name, "last_name": invitation.last_name}
    form = AcceptInvitationForm(request.POST or None, invitation=invitation, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.accept_invitation(
                token=token,
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            response = redirect("home")
            _set_language_cookie(response, user.language)
            return response
    return render(request, "intranet/invitation_accept.html", {"form": form, "invitation": invitation})


@login_not_required
@require_POST
def switch_language(request):
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("home")
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES):
        actions.set_preferred_language(request.user, language=language)
        _set_language_cookie(response, language)
    return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """The change goes through the action: the person's other sessions lose their open pages."""

    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        actions.change_password(form.user, password=form.cleaned_data["new_password1"], session=self.request.session)
        return HttpResponseRedirect(self.get_success_url())


password_change = PasswordChangeView.as_view()
password_change_done = auth_views.PasswordChangeDoneView.as_view()


class PasswordResetView(auth_views.PasswordResetView):
    """The link in the e-mail is at the site's public address, like every e-mail's links, not at
    the address the request came in by (Django's default, which a client's Host header chooses)."""

    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        address = urlsplit(absolute_url(""))
        self.extra_email_context = {"site_url": address.geturl(), "domain": address.netloc, "protocol": address.scheme}
        return super().form_valid(form)


password_reset = PasswordResetView.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view()


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A reset through the action: every open page of the person is closed (whoever had it)."""

    def form_valid(self, form):
        actions.change_password(form.user, password=form.cleaned_data["new_password1"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view()
