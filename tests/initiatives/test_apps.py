from initiatives.models import PendingImport
from initiatives.selectors import catalogue_version


def test_a_pending_import_leaves_the_facet_cache_alone(make_initiative, coordinator):
    version = catalogue_version()
    pending = PendingImport.objects.create(user=coordinator, rows=[{"name": "Buurtkracht"}])
    pending.delete()
    assert catalogue_version() == version
    make_initiative("Buurtkracht")
    assert catalogue_version() != version
