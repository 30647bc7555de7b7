"""An organisation's owners edit its details: texts, logo, catalogue entry, embedding sites."""

from io import BytesIO

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import ExifTags, Image

from initiatives.models import Initiative
from organisations.forms.details import embed_origin
from organisations.models import AuditEntry, Organisation, Role


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def owner(make_user, make_member, organisation):
    user = make_user("eigenaar", email="eigenaar@example.org")
    make_member(user, organisation, Role.OWNER)
    return user


@pytest.fixture
def owner_client(client, owner):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(owner)
    return client


def edit_url(organisation) -> str:
    return f"/organisatie/organisaties/{organisation.slug}/bewerken/"


def details(**changes) -> dict:
    return {
        "name": "Buurtnetwerk Ergens",
        "description": "Wij organiseren bijeenkomsten.",
        "website": "",
        "contact_email": "",
        "privacy_contact": "",
        "initiative": "",
        "embed_origins": "",
        **changes,
    }


def jpeg_with_gps(size=(1600, 1200)) -> bytes:
    image = Image.new("RGB", size, "teal")
    exif = image.getexif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 22.0, 1.5)
    buffer = BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


TRUNCATED_JPEG = jpeg_with_gps()[: len(jpeg_with_gps()) // 2]


# Who may edit -------------------------------------------------------------------------


def test_only_owners_edit(client, make_user, make_member, organisation, make_organisation):
    url = edit_url(organisation)
    assert client.get(url).status_code == 302  # log in first
    organiser = make_user("organisator")
    make_member(organiser, organisation, Role.ORGANISER)
    client.force_login(organiser)
    assert client.get(url).status_code == 403
    assert client.post(url, details(name="Overgenomen")).status_code == 403
    stranger = make_user("vreemde")
    make_member(stranger, make_organisation("Ander"), Role.OWNER)
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert Organisation.objects.get(pk=organisation.pk).name == "Buurtnetwerk Ergens"


def test_the_form_has_every_detail_but_the_web_address(owner_client, organisation):
    response = owner_client.get(edit_url(organisation))
    html = response.text
    assert response.status_code == 200
    for name in (
        "name",
        "description",
        "website",
        "contact_email",
        "privacy_contact",
        "logo",
        "initiative",
        "embed_origins",
    ):
        assert f'name="{name}"' in html and f'for="id_{name}"' in html
    assert 'name="slug"' not in html
    assert 'enctype="multipart/form-data"' in html
    assert 'name="remove_logo"' not in html  # nothing to remove yet


# Saving -------------------------------------------------------------------------------


def test_saving_goes_to_the_team_page_and_logs_what_changed(owner_client, organisation, owner):
    response = owner_client.post(
        edit_url(organisation),
        details(
            name="Buurtnetwerk Overal",
            website="www.buurtnetwerk.example",
            contact_email="info@buurtnetwerk.example",
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == f"/organisatie/organisaties/{organisation.slug}/"
    organisation.refresh_from_db()
    assert organisation.name == "Buurtnetwerk Overal"
    assert organisation.website == "https://www.buurtnetwerk.example"
    assert organisation.slug == "buurtnetwerk"
    entry = AuditEntry.objects.get(organisation=organisation, action=AuditEntry.Action.CHANGED)
    assert entry.actor == owner
    assert set(entry.detail.split(", ")) == {"name", "description", "website", "contact_email"}


def test_the_web_address_cannot_be_changed(owner_client, organisation):
    owner_client.post(edit_url(organisation), details(slug="iets-anders"))
    assert Organisation.objects.get(pk=organisation.pk).slug == "buurtnetwerk"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "x" * 201),
        ("name", ""),
        ("name", "Buurt\x00netwerk"),
        ("description", "x" * 2001),
        ("privacy_contact", "x" * 255),
        ("website", "javascript:alert(1)"),
        ("website", "ftp://bestanden.example"),
        ("website", "https://" + "x" * 300 + ".example"),
        ("contact_email", "geen adres"),
        ("initiative", "999999"),
        ("embed_origins", "x" * 2001),
    ],
)
def test_invalid_details_are_400_never_500(owner_client, organisation, field, value):
    response = owner_client.post(edit_url(organisation), details(**{field: value}))
    assert response.status_code == 400
    assert 'id="error-summary"' in response.text
    assert Organisation.objects.get(pk=organisation.pk).description == ""


def test_errors_show_the_saved_name_above_the_form(owner_client, organisation):
    response = owner_client.post(edit_url(organisation), details(name="x" * 201))
    assert "Details of Buurtnetwerk Ergens" in response.text


# The logo -----------------------------------------------------------------------------


def test_a_logo_is_stored_smaller_and_without_its_metadata(owner_client, organisation):
    upload = SimpleUploadedFile("IMG_1234.jpg", jpeg_with_gps(), content_type="image/jpeg")

    response = owner_client.post(edit_url(organisation), {**details(), "logo": upload})

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.logo.name.startswith("organisations/")
    assert "IMG_1234" not in organisation.logo.name
    with organisation.logo.open("rb") as stored:
        image = Image.open(BytesIO(stored.read()))
    assert image.size == (800, 600)
    assert not image.getexif() and "exif" not in image.info
    assert "logo" in AuditEntry.objects.get(action=AuditEntry.Action.CHANGED).detail
    page = owner_client.get(organisation.get_absolute_url()).text
    assert f'src="{organisation.logo.url}"' in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.png", b"Dit is geen plaatje.\n" * 10, "PNG, JPEG, WebP or GIF"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "PNG, JPEG, WebP or GIF"),
        ("logo.jpg", TRUNCATED_JPEG, "damaged"),
    ],
)
def test_a_bad_logo_is_a_form_error(owner_client, organisation, name, content, message):
    upload = SimpleUploadedFile(name, content)
    response = owner_client.post(edit_url(organisation), {**details(), "logo": upload})
    assert response.status_code == 400
    assert message in response.text
    organisation.refresh_from_db()
    assert not organisation.logo


def test_an_empty_file_is_a_form_error(owner_client, organisation):
    upload = SimpleUploadedFile("logo.png", b"")
    response = owner_client.post(edit_url(organisation), {**details(), "logo": upload})
    assert response.status_code == 400


def test_a_logo_can_be_removed(owner_client, organisation):
    upload = SimpleUploadedFile("logo.jpg", jpeg_with_gps((100, 100)))
    owner_client.post(edit_url(organisation), {**details(), "logo": upload})
    organisation.refresh_from_db()
    assert organisation.logo
    assert 'name="remove_logo"' in owner_client.get(edit_url(organisation)).text

    response = owner_client.post(edit_url(organisation), details(remove_logo="on"))

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert not organisation.logo
    assert AuditEntry.objects.filter(detail="logo").count() == 1


def test_keeping_the_logo_when_saving_other_details(owner_client, organisation):
    upload = SimpleUploadedFile("logo.jpg", jpeg_with_gps((100, 100)))
    owner_client.post(edit_url(organisation), {**details(), "logo": upload})
    organisation.refresh_from_db()
    stored = organisation.logo.name

    owner_client.post(edit_url(organisation), details(name="Nieuwe naam"))

    organisation.refresh_from_db()
    assert organisation.logo.name == stored


# The catalogue entry ------------------------------------------------------------------


def test_the_catalogue_entry_is_chosen_from_published_real_unclaimed_entries(
    owner_client, organisation, make_organisation
):
    zuid = Initiative.objects.create(name="Stadsdorp Zuid", slug="zuid")
    buurt = Initiative.objects.create(name="Buurtkracht", slug="buurtkracht")
    Initiative.objects.create(
        name="Nog niet gekeurd", slug="pending", publication=Initiative.Publication.PENDING
    )
    synthetic = Initiative.objects.create(name="Synthetisch 1", slug="synth", is_synthetic=True)
    claimed = Initiative.objects.create(name="Al van een ander", slug="claimed")
    make_organisation("Ander", initiative=claimed)

    html = owner_client.get(edit_url(organisation)).text

    assert html.index("Buurtkracht") < html.index("Stadsdorp Zuid")
    assert "Nog niet gekeurd" not in html and "Synthetisch 1" not in html
    assert "Al van een ander" not in html
    for refused in (synthetic, claimed):
        response = owner_client.post(edit_url(organisation), details(initiative=refused.pk))
        assert response.status_code == 400
    response = owner_client.post(edit_url(organisation), details(initiative=zuid.pk))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.initiative == zuid
    assert buurt.pk != zuid.pk


def test_the_current_entry_stays_choosable_when_it_is_no_longer_published(
    owner_client, organisation
):
    initiative = Initiative.objects.create(name="Gearchiveerd", slug="archief")
    organisation.initiative = initiative
    organisation.save()
    Initiative.objects.filter(pk=initiative.pk).update(
        publication=Initiative.Publication.ARCHIVED, is_published=False
    )

    response = owner_client.post(edit_url(organisation), details(initiative=initiative.pk))

    assert response.status_code == 302


# Websites that may embed the sign-up form ---------------------------------------------


def test_embed_origins_are_stored_one_per_line_tidied(owner_client, organisation):
    response = owner_client.post(
        edit_url(organisation),
        details(
            embed_origins=(
                "https://www.Zorgvrijstaat.example/\r\n\r\n  https://wijk.example:8443  \n"
                "http://localhost:8000\nhttps://www.zorgvrijstaat.example\n"
            )
        ),
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.embed_origin_list == [
        "https://www.zorgvrijstaat.example",
        "https://wijk.example:8443",
        "http://localhost:8000",
    ]


def test_a_bad_embed_origin_is_named_in_the_error(owner_client, organisation):
    response = owner_client.post(
        edit_url(organisation),
        details(
            embed_origins="https://goed.example\nhttps://fout.example/pad\nhttp://open.example"
        ),
    )
    assert response.status_code == 400
    assert "Line 2 (“https://fout.example/pad”)" in response.text
    assert "Line 3 (“http://open.example”) must start with https://" in response.text
    assert "Line 1" not in response.text


@pytest.mark.parametrize(
    ("line", "origin"),
    [
        ("https://www.example.org", "https://www.example.org"),
        ("https://www.example.org/", "https://www.example.org"),
        ("HTTPS://WWW.EXAMPLE.ORG", "https://www.example.org"),
        ("https://example.org:8443", "https://example.org:8443"),
        ("http://localhost:8000", "http://localhost:8000"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("http://[::1]:8000", "http://[::1]:8000"),
        ("https://zorg-café.example", "https://xn--zorg-caf-i1a.example"),
    ],
)
def test_embed_origin_accepts_origins(line, origin):
    assert embed_origin(line, 1) == origin


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("www.example.org", "origin_invalid"),
        ("https://", "origin_invalid"),
        ("https://www.example.org/pagina", "origin_path"),
        ("https://www.example.org?x=1", "origin_path"),
        ("https://www.example.org#top", "origin_path"),
        ("http://www.example.org", "origin_not_https"),
        ("ftp://www.example.org", "origin_invalid"),
        ("javascript:alert(1)", "origin_invalid"),
        ("https://*.example.org", "origin_invalid"),
        ("https://example.org; script-src *", "origin_invalid"),
        ("https://user:pw@example.org", "origin_invalid"),
        ("https://example.org:99999", "origin_invalid"),
        ("https://example.org:0", "origin_invalid"),
        ("https://intranet", "origin_invalid"),
        ("https://-bad-.example", "origin_invalid"),
        ("https://exa mple.org", "origin_invalid"),
        ("'self'", "origin_invalid"),
    ],
)
def test_embed_origin_refuses_anything_else(line, code):
    with pytest.raises(ValidationError) as caught:
        embed_origin(line, 4)
    assert caught.value.code == code
    with translation.override("nl"):
        message = str(caught.value.messages[0])
    assert "Regel 4" in message and line in message
