# Live polls (issue 14.4): a check posed to the class, and one answer per
# device, stored as a salted hash of a random token and nothing else.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0005_presentation_class_state"),
    ]

    operations = [
        migrations.CreateModel(
            name="Poll",
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
                ("check_id", models.CharField(max_length=40)),
                ("question_html", models.TextField()),
                ("choices_html", models.JSONField()),
                ("right", models.PositiveSmallIntegerField()),
                ("explanation_html", models.TextField(blank=True, default="")),
                ("opened_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("revealed_at", models.DateTimeField(blank=True, null=True)),
                ("ended_at", models.DateTimeField(blank=True, null=True)),
                (
                    "presentation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="polls",
                        to="lessons.presentation",
                    ),
                ),
            ],
            options={
                "ordering": ["-opened_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="PollAnswer",
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
                ("choice", models.PositiveSmallIntegerField()),
                (
                    "answered_at",
                    models.DateTimeField(default=django.utils.timezone.now),
                ),
                (
                    "poll",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="answers",
                        to="lessons.poll",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("poll", "device"), name="one_answer_per_device"
                    )
                ],
            },
        ),
    ]
