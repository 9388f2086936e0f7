"""`python -m bot` runs the command-line interface."""

from bot.cli import cli

if __name__ == "__main__":
    cli()
