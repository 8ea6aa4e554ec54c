from django.db import migrations

# A pupil's week is written on its first school day and updated on each day after, by every
# daily import: 250,000 rows a day for a county. With the pages full, each update added an
# entry to each of the table's three indexes (9.2 s of a county's daily import); with half of
# each page left free PostgreSQL updates the row on its own page ("HOT") and the same upsert
# took 2.5 s. The cost is room: the weekly counts take about twice the pages (610 MB instead of
# about 300 MB for 3.75 million weeks; docs/attendance-storage.md). Pages written from now on
# leave the room; ``VACUUM FULL attendance_weekcounts`` rewrites the existing ones.
FILLFACTOR = "ALTER TABLE attendance_weekcounts SET (fillfactor = {})"


def leave_room(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILLFACTOR.format(50))


def fill_up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILLFACTOR.format(100))


class Migration(migrations.Migration):

    dependencies = [
        ("attendance", "0007_counts_signed_and_yearly_room"),
    ]

    operations = [migrations.RunPython(leave_room, fill_up, elidable=False)]
