"""Everything that speaks Slack: Block Kit and escaping (`kit`), wording (`messages`), the subcommand
table (`commands`), the listeners' error boundary (`listeners`), shared replies, file sharing, and
one view module per feature under `views/`. The core never imports this package."""

__all__: list[str] = []
