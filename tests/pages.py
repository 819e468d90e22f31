"""Reading rendered pages in tests without tripping over what is random on them."""

import re

# Where a page carries its CSRF token: the base layout's and WTForms' hidden inputs.
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def without_tokens(page: str) -> str:
    """The page with each CSRF token's value emptied.

    A token is random base64, so a short name such as "Olu" turns up in it now and then; a test
    that a name is *not* on a page must look past the tokens.
    """
    return TOKEN.sub(lambda found: found.group(0).replace(found.group(1), ""), page)
