"""Letter views, split by page family: lists.py (boxes), letter.py (one letter), register.py."""
