"""The GOV.UK error pattern on every form: "Error:" before the title, a summary at the top that
takes focus and links to each field, each message beside its field, and number pads only where
the value is a number.

The first test walks every form class in Attune, submits it empty and checks what the shared
templates make of it; the page tests check the title on real pages, including those whose
problems do not come from a Django form."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from django import forms
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

import attune
from attune import testing
from attune.forms_ui import error_target
from attune.tenancy import school_scope
from attune.testing import SchoolUrls, SignedIn

pytestmark = pytest.mark.django_db

TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def all_form_classes() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(attune.__path__, "attune."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    found: list[type[forms.BaseForm]] = []
    waiting: list[type[forms.BaseForm]] = [forms.Form, forms.ModelForm]
    while waiting:
        for sub in waiting.pop().__subclasses__():
            waiting.append(sub)
            if sub.__module__.startswith("attune.") and ".tests" not in sub.__module__:
                found.append(sub)
    return sorted(set(found), key=lambda c: f"{c.__module__}.{c.__qualname__}")


def title(page: str) -> str:
    match = TITLE.search(page)
    assert match, "no <title>"
    return " ".join(match.group(1).split())


def test_every_form_submitted_empty_links_its_summary_to_messages_beside_fields() -> None:
    world = testing.school_world()
    walked = 0
    with school_scope(world.school):
        for form_class in all_form_classes():
            try:
                form = form_class(data={})
            except TypeError:
                continue  # needs the thing it edits; its page is checked below or in its app
            if form.is_valid() or not form.errors:
                continue
            walked += 1
            html = render_to_string("_error_summary.html", {"form": form}) + render_to_string(
                "_form_fields.html", {"form": form}
            )
            name = form_class.__qualname__
            assert "data-error-summary" in html and 'tabindex="-1"' in html, name
            ids = set(re.findall(r'id="([^"]+)"', html))
            for target in re.findall(r'<a href="#([^"]+)"', html):
                assert target in ids, f"{name}: the summary links to #{target}, not on the page"
            for field in form:
                if not field.errors or field.is_hidden:
                    continue
                assert error_target(field) in ids, f"{name}.{field.name} has no target"
                message = f'id="{field.auto_id}_error"'
                assert html.count(message) == 1, f"{name}.{field.name}: one message, beside it"
                if not field.use_fieldset:
                    assert re.search(rf'aria-describedby="[^"]*{field.auto_id}_error', html), (
                        f"{name}.{field.name}: the field does not point to its message"
                    )
    assert walked >= 40, f"only {walked} forms walked"


def test_whole_numbers_bring_up_a_number_pad_and_codes_with_letters_do_not() -> None:
    numeric = []
    for form_class in all_form_classes():
        for name, field in getattr(form_class, "base_fields", {}).items():
            if isinstance(field, forms.IntegerField) and not isinstance(
                field, forms.DecimalField | forms.FloatField
            ):
                numeric.append(f"{form_class.__qualname__}.{name}")
                assert field.widget.attrs.get("inputmode") == "numeric", numeric[-1]
    assert numeric, "no whole-number fields found"
    from attune.accounts.forms import CodeForm

    assert CodeForm().fields["code"].widget.attrs["inputmode"] == "numeric"
    assert "inputmode" not in CodeForm(recovery=True).fields["code"].widget.attrs


def post_empty(client: Client, url: str) -> str:
    response = client.post(url, {"submitted": "yes"})  # nothing the form asks for
    assert response.status_code == 200, url
    return response.content.decode()


def test_pages_showing_form_errors_begin_their_title_with_error(signed_in: SignedIn) -> None:
    world = testing.school_world()
    lead = signed_in(world.lead)
    pages = [
        SchoolUrls("relationships")(world, "assign", pupil_id=world.child.pk),
        SchoolUrls("incidents")(world, "new", pupil_id=world.child.pk),
    ]
    for url in pages:
        assert not title(lead.get(url).content.decode()).startswith("Error:"), url
        page = post_empty(lead, url)
        assert title(page).startswith("Error: "), url
        assert "data-error-summary" in page, url
        ids = set(re.findall(r'id="([^"]+)"', page))
        summary = page[page.index("data-error-summary") :].split("</div>", 1)[0]
        links = re.findall(r'<a href="#([^"]+)"', summary)
        assert links, url
        for target in links:
            assert target in ids, f"{url}: the summary links to #{target}, not on the page"


def test_the_sign_in_page_and_a_problem_off_a_form_say_error_too(client: Client) -> None:
    world = testing.school_world()
    data = {"username": world.lead.email, "password": "wrong"}
    page = client.post(reverse("accounts:login"), data).content.decode()
    assert title(page).startswith("Error: ")
    assert '<a href="#id_username">' in page


def test_a_template_without_errors_keeps_its_title() -> None:
    html = render_to_string("_error_summary.html", {"form": forms.Form()})
    assert html.strip() == ""
