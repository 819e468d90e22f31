"""The co-production area's refusal, with a message fit to show beside the field it is about."""


class CoproductionError(ValueError):
    """A refusal in plain words; `field` names the form field it belongs to ("form": none)."""

    def __init__(self, message: str, *, field: str = "form") -> None:
        super().__init__(message)
        self.field = field


class StaleChange(CoproductionError):
    """Someone else changed this since the page was loaded."""
