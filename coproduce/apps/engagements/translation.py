"""Bilingual fields (django-modeltranslation adds `_en` and `_cy` columns).

English is required; Welsh is optional so a Welsh-first organisation can
publish in Welsh and English pages fall back to English where Welsh is empty.
"""

from modeltranslation.translator import TranslationOptions, register

from coproduce.apps.engagements.models import (
    Engagement,
    EngagementDocument,
    EngagementEvent,
    EngagementResponse,
    Topic,
)


@register(Topic)
class TopicTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)


@register(Engagement)
class EngagementTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "purpose")
    required_languages = ("en",)


@register(EngagementEvent)
class EngagementEventTranslationOptions(TranslationOptions):
    fields = ("title", "accessibility_information")
    required_languages = ("en",)


@register(EngagementDocument)
class EngagementDocumentTranslationOptions(TranslationOptions):
    fields = ("title",)
    required_languages = ("en",)


@register(EngagementResponse)
class EngagementResponseTranslationOptions(TranslationOptions):
    fields = (
        "what_we_heard",
        "what_we_decided",
        "what_changes",
        "what_does_not_change",
    )
    required_languages = ("en",)
