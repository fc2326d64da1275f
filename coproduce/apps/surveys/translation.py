"""Bilingual fields (django-modeltranslation adds `_en` and `_cy` columns).

The published definition (definition.py) copies both languages, so a version
answered in Welsh shows exactly the Welsh that was published.
"""

from modeltranslation.translator import TranslationOptions, register

from coproduce.apps.surveys.models import Choice, Question, Survey


@register(Survey)
class SurveyTranslationOptions(TranslationOptions):
    fields = ("title", "introduction")
    required_languages = ("en",)


@register(Question)
class QuestionTranslationOptions(TranslationOptions):
    fields = ("text", "help_text")
    required_languages = ("en",)


@register(Choice)
class ChoiceTranslationOptions(TranslationOptions):
    fields = ("label",)
    required_languages = ("en",)
