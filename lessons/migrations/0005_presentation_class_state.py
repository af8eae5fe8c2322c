# Fields for "a class you can see" (issue 14.2): slides followed by identity,
# reveal steps, blackout on the students' screens and the presenter's
# heartbeat that ends a forgotten session; and Follower, one row per
# following device, to count the class.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0004_merge_digest_and_sections"),
    ]

    operations = [
        migrations.AddField(
            model_name="presentation",
            name="slide_key",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
        migrations.AddField(
            model_name="presentation",
            name="deck_digest",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddField(
            model_name="presentation",
            name="step",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="presentation",
            name="blackout",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="presentation",
            name="presenter_seen_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.CreateModel(
            name="Follower",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("device", models.CharField(max_length=64)),
                ("seen_at", models.DateTimeField()),
                (
                    "presentation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="followers",
                        to="lessons.presentation",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["presentation", "seen_at"],
                        name="follower_recent",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("presentation", "device"), name="one_row_per_device"
                    )
                ],
            },
        ),
    ]
