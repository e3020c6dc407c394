"""Spreadsheet cells written from user data (openpyxl).

A subject, a name or an address typed as `=HYPERLINK(…)`, `+cmd|…`, `-1+1` or `@SUM(…)` would be
read by Excel or LibreOffice as a formula (CSV/formula injection): openpyxl itself stores a
string starting with `=` as a formula. text() stores such a value as text, kept exactly as
written (an import reads back the same string), and marks it with Excel's quote prefix so the
spreadsheet never evaluates it, not even after the cell is edited.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text(sheet, value):
    """`value` as it should be appended to `sheet`: a string a spreadsheet could read as a
    formula becomes a text cell with the quote prefix; anything else is returned unchanged."""
    if not (isinstance(value, str) and value.startswith(FORMULA_STARTS)):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl made a string starting with "=" a formula
    cell.quotePrefix = True
    return cell


def row(sheet, values) -> list:
    """A row for `sheet.append`, every value passed through text()."""
    return [text(sheet, v) for v in values]
