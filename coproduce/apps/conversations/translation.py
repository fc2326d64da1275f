"""Bilingual fields (django-modeltranslation adds `_en` and `_cy` columns).

A conversation's topic needs English (Welsh optional, falling back to English).
A statement needs text in at least one language, checked by the services: a
resident writing in Welsh fills only `text_cy`.
"""

from modeltranslation.translator import TranslationOptions, register

from coproduce.apps.conversations.models import Conversation, Statement


@register(Conversation)
class ConversationTranslationOptions(TranslationOptions):
    fields = ("topic", "description")
    required_languages = ("en",)


@register(Statement)
class StatementTranslationOptions(TranslationOptions):
    fields = ("text",)
    required_languages = ()
