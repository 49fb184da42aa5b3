"""The report's tables as CSV (one file per table, zipped) and XLSX (one sheet per table)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from aileague.reports.tables import Table


def _cell(value):
    """Numbers stay numbers; yuan amounts keep their cents as a float for spreadsheets."""
    if isinstance(value, Decimal):
        return float(value)
    return value


def csv_zip(tables: list[Table]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\n")
            writer.writerow(table.headers)
            writer.writerows(
                [value.isoformat() if isinstance(value, dt.date) else value for value in row]
                for row in table.rows
            )
            # A byte-order mark so that spreadsheet programs read the Chinese names as UTF-8.
            archive.writestr(f"{table.key}.csv", "\ufeff" + text.getvalue())
    return buffer.getvalue()


def xlsx(tables: list[Table]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(title=table.key[:31])  # Excel's limit on sheet names
        sheet.append(table.headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_cell(value) for value in row])
        for column, header in zip(sheet.columns, table.headers, strict=False):
            width = max([len(str(header)), *(len(str(c.value or "")) for c in column[1:200])])
            sheet.column_dimensions[column[0].column_letter].width = min(60, width + 2)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
