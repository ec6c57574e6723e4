"""Forms shared by the admin and the pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from quizzes import ingest
from quizzes.models import Document
from quizzes.services import read_document
from quizzes.services.attempts import MAX_RESPONSE_LENGTH

MAX_ID = 2**63 - 1
"""The largest id the database stores; a bigger number cannot name a question."""

MAX_OPTIONS = 1000
"""More options than any multiple-choice question has."""

FORMAT_CHOICES = [("auto", _("Detect automatically"))] + [
    (value, label) for value, label in Document._meta.get_field("source_format").choices
]


class DocumentImportForm(forms.ModelForm):
    """Create or re-import a document from an uploaded file or pasted text.

    Parsing happens in ``clean()`` so that any problem with the document is a form error
    and nothing is stored; the admin then hands ``parsed`` to ``services.import_document``.
    """

    upload = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("Plain text, Markdown, HTML or Word (.docx)."),
    )
    pasted_text = forms.CharField(
        label=_("Or paste the text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    import_format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial="auto")
    publish = forms.BooleanField(
        label=_("Publish generated questions"),
        required=False,
        help_text=_("Leave unticked to review them first: they arrive as drafts."),
    )

    class Meta:
        model = Document
        fields = ["title"]
        labels = {"title": _("Title")}
        help_texts = {"title": _("Leave empty to take the title from the document.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parsed: ingest.ParsedDocument | None = None
        self.source_name = ""
        self.fields["title"].required = False
        if self.instance.pk:
            self.fields["upload"].help_text = _(
                "Upload a new version to re-import it: unchanged lessons keep their "
                "questions and progress, removed sections are archived."
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        upload = cleaned.get("upload")
        pasted = cleaned.get("pasted_text") or ""
        if upload and pasted.strip():
            raise forms.ValidationError(_("Upload a file or paste text, not both."))
        if upload:
            limit = settings.LECTERN_MAX_DOCUMENT_BYTES
            if upload.size > limit:
                size, allowed = ingest.too_big(upload.size, limit)
                raise forms.ValidationError(
                    _("The file is %(size)s; the limit is %(limit)s.")
                    % {"size": size, "limit": allowed}
                )
            data, self.source_name = upload.read(), upload.name
        elif pasted:
            data = pasted.encode("utf-8")
        elif self.instance.pk:
            return cleaned  # only the title changes
        else:
            raise forms.ValidationError(_("Upload a file or paste the document's text."))
        try:
            self.parsed = read_document(
                data,
                filename=self.source_name or None,
                source_format=cleaned.get("import_format", "auto"),
            )
        except ingest.IngestError as error:
            raise forms.ValidationError(str(error)) from error
        return cleaned

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if self.instance.pk and not title:
            return self.instance.title  # a document always keeps a title
        if self.instance.pk and title and title != self.instance.title:
            clash = Document.objects.filter(owner=self.instance.owner, title=title)
            if clash.exists():
                raise forms.ValidationError(
                    _("There is already a document called “%(title)s”.") % {"title": title}
                )
        return title

    def validate_unique(self) -> None:
        # The title may be left empty (taken from the document) or name an existing
        # document (re-import); import_document resolves both.
        return


class QuizAnswerForm(forms.Form):
    """The answer a quiz page posts: which question, the typed or true/false answer or
    the place (1 to n) of the option picked, and the signed time the question was shown.

    Only the shape is checked here (bounded numbers, text without NUL characters, of a
    sane length); ``services.answer_question`` decides whether it answers the question.
    """

    question = forms.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        error_messages={
            key: _("This question is not part of this quiz.")
            for key in ("required", "invalid", "min_value", "max_value")
        },
    )
    choice = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_OPTIONS,
        error_messages={
            key: _("Choose one of the options shown.")
            for key in ("invalid", "min_value", "max_value")
        },
    )
    response = forms.CharField(
        required=False,
        max_length=MAX_RESPONSE_LENGTH,
        error_messages={
            "max_length": _("Keep your answer under %(limit_value)d characters."),
            "null_characters_not_allowed": _(
                "Your answer contains a null character; type it again without it."
            ),
        },
    )
    shown = forms.CharField(required=False, max_length=200)

    def first_error(self) -> str:
        """The message to show the student."""
        for errors in self.errors.values():
            return str(errors[0])
        return ""
