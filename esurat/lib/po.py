"""Reading gettext .po catalogues (for the completeness check of the Indonesian UI)."""

import ast
from dataclasses import dataclass, field


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgstr: list[str] = field(default_factory=list)
    context: str = ""
    fuzzy: bool = False
    obsolete: bool = False


def parse(text: str) -> list[Entry]:
    """The entries of a .po file, header included (msgid "")."""
    entries, current, target = [], Entry(), None

    def flush():
        nonlocal current
        if current.msgid or current.msgstr:
            entries.append(current)
        current = Entry()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            target = None
            continue
        if line.startswith("#~"):
            current.obsolete = True
            continue
        if line.startswith("#,") and "fuzzy" in line:
            current.fuzzy = True
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            value = ast.literal_eval(line)
            if target == "msgstr":
                current.msgstr[-1] += value
            else:
                setattr(current, target, getattr(current, target) + value)
            continue
        value = ast.literal_eval(rest)
        if keyword == "msgctxt":
            current.context, target = value, "context"
        elif keyword == "msgid":
            current.msgid, target = value, "msgid"
        elif keyword == "msgid_plural":
            current.msgid_plural, target = value, "msgid_plural"
        elif keyword.startswith("msgstr"):
            current.msgstr.append(value)
            target = "msgstr"
    flush()
    return entries
