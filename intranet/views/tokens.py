"""The member's personal API tokens: named, shown once, revoked from here."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from intranet import actions, selectors
from intranet.exceptions import ActionRefused


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("What will use it"),
        max_length=actions.API_TOKEN_NAME_MAX_LENGTH,
        help_text=gettext_lazy("For example: the association's website, the mailing spreadsheet."),
    )


@never_cache  # the page that shows a new token once must not be kept by any cache
def api_tokens(request):
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = actions.create_api_token(request.user, name=form.cleaned_data["name"])
        except ActionRefused as refusal:
            refusal.add_to(form)
        else:
            created = {"token": token, "secret": secret}
            form = TokenForm()
    return render(
        request,
        "directory/api_tokens.html",
        {"form": form, "created": created, "tokens": selectors.api_tokens_of(request.user)},
        status=400 if form.errors else 200,
    )


@require_POST
def api_token_revoke(request, token_id: int):
    token = actions.revoke_api_token(request.user, token_id=token_id)
    messages.success(request, _("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name})
    return redirect("api_tokens")
