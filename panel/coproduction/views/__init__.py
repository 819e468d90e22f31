"""The co-production pages: a resident's own record (`mine`), staff pages about people and
claims (`people`), and a round's report, staff time and meetings (`rounds`)."""

from panel.coproduction.views import mine, people, rounds  # noqa: F401
