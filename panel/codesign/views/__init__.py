"""Views of the codesign area, all on the blueprint `bp`: the criteria board, proposals, weights,
adoption and the record. Importing this package registers every route."""

from panel.codesign.views import agreement, common, discussion, moderation, staff  # noqa: F401
