from django.db import migrations


class Migration(migrations.Migration):
    """`role` said too little: it is the attendee's background (resident, carer, …)."""

    dependencies = [("events", "0004_registration_email_any_case")]

    operations = [
        migrations.RenameField(model_name="registration", old_name="role", new_name="background"),
    ]
