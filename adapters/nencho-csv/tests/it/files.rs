use nencho_csv::{Column, EmployeeCsvReader, FileError, HeaderError, ImportOptions, validate_all};

use crate::{HEADER, utf8_bom};

fn open(bytes: &[u8]) -> Result<Vec<Column>, FileError> {
    EmployeeCsvReader::new(bytes, &ImportOptions::default()).map(|reader| reader.columns())
}

#[test]
fn an_empty_file_is_refused() {
    for bytes in [&b""[..], b"\xEF\xBB\xBF", b"\r\n\r\n", b",,,\r\n\n"] {
        assert_eq!(open(bytes), Err(FileError::Empty), "{bytes:?}");
    }
    assert_eq!(
        FileError::Empty.to_string(),
        "ファイルが空です。1行目に見出し（社員番号、姓、名、…）が必要です"
    );
}

#[test]
fn a_file_with_only_a_header_previews_zero_rows() {
    for text in [
        HEADER.to_owned(),
        format!("{HEADER}\r\n"),
        format!("{HEADER}\r\n\r\n\r\n"),
    ] {
        let preview = validate_all(&utf8_bom(&text)[..], &ImportOptions::default()).unwrap();
        assert_eq!((preview.rows, preview.error_count), (0, 0));
        assert!(preview.is_valid());
    }
}

#[test]
fn unknown_duplicated_and_missing_columns_are_all_named() {
    let header = "社員番号,姓,名,電話番号,姓カナ,生年月日,郵便番号,住所,雇用区分,姓,Fax\r\n";
    let error = open(header.as_bytes()).unwrap_err();
    assert_eq!(
        error,
        FileError::Header(vec![
            HeaderError::Unknown {
                name: "電話番号".to_owned(),
                position: 4
            },
            HeaderError::Duplicated {
                column: Column::FamilyName,
                first: 2,
                second: 10
            },
            HeaderError::Unknown {
                name: "Fax".to_owned(),
                position: 11
            },
            HeaderError::Missing(Column::GivenNameKana),
        ])
    );
    assert_eq!(
        error.to_string(),
        "見出し行（1行目）に問題があります: \
         4列目の見出し「電話番号」は使えない列名です（使える列名は取り込み用テンプレートをご覧ください）／\
         列「姓」が2列目と10列目の2回あります／\
         11列目の見出し「Fax」は使えない列名です（使える列名は取り込み用テンプレートをご覧ください）／\
         必須の列「名カナ」が見出しにありません"
    );
    let cells = error.to_cell_errors();
    assert_eq!(cells.len(), 4);
    assert!(cells.iter().all(|cell| cell.row == 1));
    assert_eq!(cells[3].column, Some(Column::GivenNameKana));
}

#[test]
fn a_header_of_only_optional_columns_lists_every_required_one() {
    let error = open("メールアドレス,部署\n".as_bytes()).unwrap_err();
    let FileError::Header(problems) = error else {
        panic!("{error:?}")
    };
    let missing: Vec<Column> = problems
        .into_iter()
        .map(|problem| match problem {
            HeaderError::Missing(column) => column,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        missing,
        Column::ALL
            .into_iter()
            .filter(|column| column.is_required())
            .collect::<Vec<_>>()
    );
}

#[test]
fn the_header_is_found_after_leading_blank_lines_and_rows_count_them() {
    let text = format!("\r\n{HEADER}\r\n{}\r\n", crate::valid_row("E1"));
    let row = crate::read(text.as_bytes()).remove(0).unwrap();
    assert_eq!(row.row, 3);
}
