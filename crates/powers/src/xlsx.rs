//! The power list as .xlsx: read an agency's sheet (calamine) into rows,
//! write the whole list in the same columns (rust_xlsxwriter).

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use yangguang_kernel::{Error, Result};

use crate::model::Item;
use crate::sheet::{self, COLUMNS, Header, Row};

/// Largest sheet accepted (a province's list is about 10,000 rows).
pub const MAX_ROWS: usize = 50_000;

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        other => other.to_string(),
    }
}

/// Reads the first sheet: the header row, then one row an item. Each row
/// is parsed and checked on its own; the result says which were refused
/// and why, by row number (the header is row 1). Blank rows are skipped.
pub fn read(bytes: &[u8]) -> Result<Vec<(usize, std::result::Result<Row, String>)>> {
    let bad = |e: String| Error::invalid("invalid_xlsx", e);
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| {
        bad("文件不是有效的 .xlsx 表格（请用 Excel 或 WPS 另存为 .xlsx 后再导入）".into())
    })?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or_else(|| bad("表格中没有工作表".into()))?
        .map_err(|e| bad(format!("工作表无法读取：{e}")))?;
    let mut rows = range.rows();
    let head: Vec<String> = rows
        .next()
        .ok_or_else(|| bad("工作表是空的：第一行应为列名".into()))?
        .iter()
        .map(cell_text)
        .collect();
    let header = Header::parse(&head).map_err(bad)?;
    let mut out = Vec::new();
    for (i, r) in rows.enumerate() {
        let cells: Vec<String> = r.iter().map(cell_text).collect();
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if out.len() >= MAX_ROWS {
            return Err(bad(format!("表格超过{MAX_ROWS}行，请分批导入")));
        }
        out.push((i + 2, sheet::parse_row(&header, &cells)));
    }
    Ok(out)
}

/// The whole list in the import columns; abolished items are marked in
/// 调整理由 so the sheet says what the public page says.
pub fn write(items: &[Item], title: &str) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let xe = |e: rust_xlsxwriter::XlsxError| Error::Internal(format!("生成 xlsx 失败：{e}"));
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let ws = wb.add_worksheet();
    ws.set_name(title).map_err(xe)?;
    for (c, h) in COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(xe)?;
    }
    for (c, w) in [
        12.0, 40.0, 10.0, 60.0, 40.0, 24.0, 16.0, 30.0, 30.0, 12.0, 12.0, 10.0, 20.0, 12.0, 30.0,
        20.0,
    ]
    .iter()
    .enumerate()
    {
        ws.set_column_width(c as u16, *w).map_err(xe)?;
    }
    for (i, it) in items.iter().enumerate() {
        let note = if it.active { "" } else { "已取消" };
        for (c, v) in sheet::to_row(&it.code, &it.content, note)
            .iter()
            .enumerate()
        {
            ws.write_string_with_format(i as u32 + 1, c as u16, v, &wrap)
                .map_err(xe)?;
        }
    }
    ws.set_freeze_panes(1, 2).map_err(xe)?;
    wb.save_to_buffer().map_err(xe)
}
