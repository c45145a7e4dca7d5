//! The import template administrators download: the header line and one example row.

use crate::columns::Column;
use crate::encoding::{CsvEncoding, encode};

/// The example row, column by column in [`Column::ALL`]'s order.
const EXAMPLE: [&str; Column::ALL.len()] = [
    "E0001",
    "山田",
    "太郎",
    "ヤマダ",
    "タロウ",
    "1990/4/1",
    "100-0005",
    "東京都千代田区丸の内1-1-1 年調ビル5階",
    "taro.yamada@example.jp",
    "総務部",
    "正社員",
    "2015/4/1",
    "",
];

/// The template as CSV bytes with Excel's CRLF line ends: UTF-8 with a byte-order mark (so that
/// Excel opens it as UTF-8) or Shift_JIS (CP932, Excel's own 「CSV」).
pub fn template(encoding: CsvEncoding) -> Vec<u8> {
    let header: Vec<&str> = Column::ALL
        .iter()
        .map(|column| column.japanese_name())
        .collect();
    let text = format!("{}\r\n{}\r\n", csv_line(&header), csv_line(&EXAMPLE));
    encode(&text, encoding)
}

fn csv_line(cells: &[&str]) -> String {
    cells
        .iter()
        .map(|cell| {
            if cell.contains([',', '"', '\r', '\n']) {
                format!("\"{}\"", cell.replace('"', "\"\""))
            } else {
                (*cell).to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}
