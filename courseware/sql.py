"""Names for plain SQL on a model's table, quoted for one database.

The few hot paths that skip the ORM (courseware/sessions.py, the
inspector's redirect traces in sandbox_apps/inspector/chain.py) still take
their table and column names from the model, so the SQL cannot drift from
a renamed column or a custom ``db_table``.
"""


def quoted_names(connection, model, *fields: str) -> tuple[str, ...]:
    """The model's table, then each named field's column, quoted for ``connection``."""
    meta = model._meta
    quote = connection.ops.quote_name
    return (
        quote(meta.db_table),
        *(quote(meta.get_field(name).column) for name in fields),
    )
