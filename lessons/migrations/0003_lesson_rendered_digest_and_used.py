from django.db import migrations, models


class Migration(migrations.Migration):
    """The digest sync_content compares is of title, summary, order and body,
    not the body alone; and each row records what its rendering used, so an
    unchanged lesson need not be rendered again."""

    dependencies = [
        ("lessons", "0002_slides_and_presentations"),
    ]

    operations = [
        migrations.RenameField(
            model_name="lesson",
            old_name="synced_body_digest",
            new_name="synced_digest",
        ),
        migrations.AddField(
            model_name="lesson",
            name="used",
            field=models.JSONField(default=dict, editable=False),
        ),
        migrations.AddField(
            model_name="lesson",
            name="rendered_digest",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
    ]
