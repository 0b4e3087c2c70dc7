"""`python -m bot` is the same as the `deepgram-doctor` console script."""

from bot.cli import main

main()
