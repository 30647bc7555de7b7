from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Initiative(models.Model):
    """A care-community initiative or organisation: a zorgcoöperatie, wijkbedrijf, …"""

    class Kind(models.TextChoices):
        ZORGCOOPERATIE = "zorgcooperatie", _("care cooperative")
        DORPSCOOPERATIE = "dorpscooperatie", _("village or neighbourhood cooperative")
        VOORZORGCIRKEL = "voorzorgcirkel", _("care circle")
        NAOBERZORG = "naoberzorg", _("neighbourly care (naoberzorg)")
        WIJKBEDRIJF = "wijkbedrijf", _("neighbourhood enterprise")
        BEWONERSINITIATIEF = "bewonersinitiatief", _("residents' initiative")
        NETWERK = "netwerk", _("network or alliance")
        KENNISINSTELLING = "kennisinstelling", _("knowledge centre")
        ANDERS = "anders", _("other")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=40, choices=Kind.choices, default=Kind.ANDERS)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=120, blank=True)
    province = models.CharField(_("province"), max_length=60, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Generated test data, not a real initiative.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("initiatives:detail", kwargs={"slug": self.slug})
