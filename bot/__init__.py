"""quotebot: a Telegram bot that answers with attributed, cited quotes.

The data flows one way, one module per step:
extract -> normalize -> index -> search -> reply -> telegram.
"""

__version__ = "0.1.0"
