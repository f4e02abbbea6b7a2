//! Spreadsheets (xls, xlsx, xlsb, ods) from bytes via calamine.

use crate::document::Sheet;
use calamine::{open_workbook_auto_from_rs, Data, Reader};
use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Leading empty rows/columns are re-inserted (so row/column indexes match the sheet's A1
/// coordinates) only up to these offsets; past them a sheet would be mostly padding.
const MAX_ROW_PAD: u32 = 10_000;
const MAX_COL_PAD: u32 = 256;

/// All sheets with cells as strings, or `None` if the bytes are no workbook calamine reads.
pub fn read_sheets(raw: &[u8]) -> Option<Vec<Sheet>> {
    // calamine has panicked on malformed files before; contain it.
    catch_unwind(AssertUnwindSafe(|| read_inner(raw))).unwrap_or_else(|_| {
        tracing::warn!("spreadsheet reader panicked");
        None
    })
}

fn read_inner(raw: &[u8]) -> Option<Vec<Sheet>> {
    let mut wb = open_workbook_auto_from_rs(Cursor::new(raw))
        .map_err(|e| tracing::debug!(error = %e, "not a readable workbook"))
        .ok()?;
    let mut sheets = Vec::new();
    for name in wb.sheet_names() {
        let range = match wb.worksheet_range(&name) {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(sheet = %name, error = %e, "sheet unreadable; skipped");
                continue;
            }
        };
        let (row0, col0) = range.start().unwrap_or((0, 0));
        let row_pad = if row0 <= MAX_ROW_PAD { row0 } else { 0 };
        let col_pad = if col0 <= MAX_COL_PAD { col0 } else { 0 };
        let mut rows: Vec<Vec<String>> = (0..row_pad).map(|_| Vec::new()).collect();
        for r in range.rows() {
            let mut row: Vec<String> = (0..col_pad).map(|_| String::new()).collect();
            row.extend(r.iter().map(cell_string));
            rows.push(row);
        }
        sheets.push(Sheet { name, rows });
    }
    Some(sheets)
}

fn cell_string(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::DateTime(dt) if dt.is_datetime() => match dt.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.date().to_string(),
            Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => cell.to_string(),
        },
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_workbooks_are_none() {
        assert_eq!(read_sheets(b"not a workbook"), None);
        assert_eq!(read_sheets(b"PK\x03\x04broken"), None);
        assert_eq!(
            read_sheets(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]),
            None
        );
    }

    #[test]
    fn cells_render_plainly() {
        assert_eq!(cell_string(&Data::Float(7000012050002.0)), "7000012050002");
        assert_eq!(cell_string(&Data::Int(12)), "12");
        assert_eq!(cell_string(&Data::Empty), "");
        assert_eq!(cell_string(&Data::String("架空医院".into())), "架空医院");
    }
}
