use nencho_csv::{Column, CsvEncoding, ImportOptions, template, validate_all};

use crate::read;

#[test]
fn the_utf8_template_has_a_bom_the_header_and_one_valid_example() {
    let bytes = template(CsvEncoding::Utf8);
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let header = text.lines().next().unwrap();
    let names: Vec<&str> = Column::ALL
        .iter()
        .map(|column| column.japanese_name())
        .collect();
    assert_eq!(header, names.join(","));
    assert!(text.ends_with("\r\n"));
    assert_eq!(text.matches("\r\n").count(), 2);
    let rows = read(&bytes);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].as_ref().unwrap().employee_number, "E0001");
}

#[test]
fn the_cp932_template_reads_back_the_same() {
    let shift_jis = template(CsvEncoding::ShiftJis);
    assert!(std::str::from_utf8(&shift_jis).is_err(), "CP932, not UTF-8");
    assert_eq!(read(&shift_jis), read(&template(CsvEncoding::Utf8)));
    let preview = validate_all(&shift_jis[..], &ImportOptions::default()).unwrap();
    assert_eq!(preview.encoding, CsvEncoding::ShiftJis);
    assert!(preview.is_valid());
}
