"""The error every reader raises for a file that cannot be imported as a whole."""


class ImportFileError(Exception):
    """The file as a whole cannot be imported; nothing is loaded. `message` is a lazy
    translation, `params` its values."""

    def __init__(self, message, params: dict | None = None):
        super().__init__(str(message))
        self.message = message
        self.params = params or {}
