"""Bilingual fields (django-modeltranslation adds name_en and name_cy)."""

from modeltranslation.translator import TranslationOptions, register

from coproduce.apps.organisations.models import Area, Organisation


@register(Organisation)
class OrganisationTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("en", "cy")


@register(Area)
class AreaTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)
