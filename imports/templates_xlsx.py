"""The blank workbook of a dataset: its Thai headers and one example row, every cell formatted as
text so national IDs and house IDs keep every digit (Excel would turn them into numbers).

Served on the import page and written by `manage.py import_template`, so a clerk and a script
start from the same file."""

from io import BytesIO

from openpyxl import Workbook

from .registry import Dataset

TEXT_ROWS = 500  # rows pre-formatted as text below the header


def dataset_template_xlsx(*, dataset: Dataset) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = dataset.key[:31]
    sheet.append([column.label_th for column in dataset.columns])
    sheet.append([column.example for column in dataset.columns])
    for cells in sheet.iter_cols(min_row=1, max_row=TEXT_ROWS):
        for cell in cells:
            cell.number_format = "@"
    for index, column in enumerate(dataset.columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(14, len(column.label_th) + 4)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
