"""Template tags: organisations on the pages of other apps."""
