"""The catalogue written to CSV and XLSX, and the import template."""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from zorgzaam.spreadsheets import formula_safe

from ..models import Initiative
from .columns import COLUMNS, EXPORT_ONLY


def _export_row(initiative: Initiative, site_url: str) -> list:
    consent = initiative.contact_consent
    municipality = initiative.municipality

    def names(field_name):
        return "; ".join(term.name for term in getattr(initiative, field_name).all())

    values = {
        "name": initiative.name,
        "slug": initiative.slug,
        "initiative_type": initiative.initiative_type.name if initiative.initiative_type_id else "",
        "municipality": municipality.code if municipality else "",
        "place": initiative.place,
        "neighbourhood": "" if initiative.is_care_circle else initiative.neighbourhood,
        "postcode_area": initiative.postcode_area,
        "summary": initiative.summary,
        "description": initiative.description,
        "legal_form": initiative.legal_form,
        "status": initiative.status,
        "founded_year": initiative.founded_year or "",
        "volunteers_count": initiative.volunteers_count
        if initiative.volunteers_count is not None
        else "",
        "website": initiative.website,
        "contact_name": initiative.contact_name if consent else "",
        "contact_email": initiative.contact_email if consent else "",
        "contact_phone": initiative.contact_phone if consent else "",
        "contact_consent": "ja" if consent else "nee",
        "activities": names("activities"),
        "target_groups": names("target_groups"),
        "approaches": names("approaches"),
    }
    row = [values[field_name] for _column, field_name in COLUMNS]
    row += [
        municipality.province.name if municipality else "",
        site_url + initiative.get_absolute_url(),
    ]
    return row


def export_header() -> list[str]:
    return [column for column, _field in COLUMNS] + EXPORT_ONLY


def export_csv(initiatives, *, site_url: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(export_header())
    for initiative in initiatives:
        writer.writerow([formula_safe(value) for value in _export_row(initiative, site_url)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(initiatives, *, site_url: str, template: bool = False) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Initiatives"))
    sheet.append(export_header() if not template else [column for column, _f in COLUMNS])
    for initiative in initiatives:
        sheet.append([formula_safe(value) for value in _export_row(initiative, site_url)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


TEMPLATE_EXAMPLE = {
    "naam": "Zorgcoöperatie Voorbeelddorp",
    "type": "Zorgcoöperatie",
    "gemeente": "GM0118",
    "plaats": "Hollandscheveld",
    "postcode": "7913",
    "samenvatting": "Zorg en hulp in het dorp.",
    "rechtsvorm": "cooperatie",
    "status": "actief",
    "opgericht": "2012",
    "website": "https://example.org",
    "contact_email": "info@example.org",
    "contact_openbaar": "nee",
    "activiteiten": "Maaltijden; Vervoer",
    "doelgroepen": "Ouderen",
    "aanpak": "Omzien naar elkaar",
}


def template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([column for column, _field in COLUMNS])
    writer.writerow([TEMPLATE_EXAMPLE.get(column, "") for column, _field in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Initiatives"))
    sheet.append([column for column, _field in COLUMNS])
    sheet.append([TEMPLATE_EXAMPLE.get(column, "") for column, _field in COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
