"""Small SQL portability pieces between SQLite and PostgreSQL."""

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction
from sqlalchemy.types import Integer


class greatest(GenericFunction):  # noqa: N801 - reads like the SQL it emits
    """GREATEST(a, b) on PostgreSQL; SQLite spells it as the two-argument max()."""

    type = Integer()
    inherit_cache = True


@compiles(greatest, "sqlite")
def _greatest_sqlite(element, compiler, **kw):
    return f"max({compiler.process(element.clauses, **kw)})"
