"""The one exception the renderer raises: the text cannot be published, and why."""


class AuthoringError(ValueError):
    """The lesson text cannot be published; ``problems`` says why, for the author."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))
