"""Running the bot: the app factory (the composition root, the only importer of `handlers`), the
transports (Socket Mode, HTTP), the scheduler and the dependencies handlers are given."""

__all__: list[str] = []
