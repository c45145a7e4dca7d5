use nencho_csv::{CsvEncoding, EmployeeCsvReader, FileError, ImportOptions, validate_all};

use crate::{cp932, file, read, read_with, utf8_bom, valid_row};

fn sample() -> String {
    file(&[
        &valid_row("E0001"),
        "E0002,佐藤,花子,さとう,ﾊﾅｺ,平成2年5月6日,５３０－０００１,大阪府大阪市北区梅田１丁目,hanako@example.jp,営業部,パート,R1.5.1,",
        "E0003,髙橋,①郎﨑,タカハシ,イチロウ,S50.1.1,060-0001,北海道札幌市中央区北一条西2丁目～3丁目,,,役員,,",
    ])
}

#[test]
fn utf8_with_bom_without_bom_and_cp932_give_the_same_rows() {
    let text = sample();
    let without_bom = read(text.as_bytes());
    let with_bom = read(&utf8_bom(&text));
    let shift_jis = read(&cp932(&text));
    assert_eq!(without_bom.len(), 3);
    assert!(without_bom.iter().all(Result::is_ok), "{without_bom:?}");
    assert_eq!(with_bom, without_bom);
    assert_eq!(shift_jis, without_bom);
    // The characters CP932 has beyond JIS X 0208 (髙, ①) and the wave dash survive the trip.
    let third = without_bom[2].as_ref().unwrap();
    assert_eq!(third.family_name, "髙橋");
    assert_eq!(third.given_name, "①郎﨑");
    assert!(third.address.contains("2丁目～3丁目"));
}

#[test]
fn the_detected_encoding_is_reported() {
    let text = sample();
    let encoding = |bytes: &[u8]| {
        EmployeeCsvReader::new(bytes, &ImportOptions::default())
            .unwrap()
            .encoding()
    };
    assert_eq!(encoding(text.as_bytes()), CsvEncoding::Utf8);
    assert_eq!(encoding(&utf8_bom(&text)), CsvEncoding::Utf8);
    assert_eq!(encoding(&cp932(&text)), CsvEncoding::ShiftJis);
    let preview = validate_all(&cp932(&text)[..], &ImportOptions::default()).unwrap();
    assert_eq!(preview.encoding, CsvEncoding::ShiftJis);
}

#[test]
fn the_caller_can_override_detection() {
    let text = sample();
    assert_eq!(
        read_with(&cp932(&text), CsvEncoding::ShiftJis),
        read(text.as_bytes())
    );
    assert_eq!(
        read_with(&utf8_bom(&text), CsvEncoding::Utf8),
        read(text.as_bytes())
    );
    // CP932 bytes read as UTF-8 are refused with a message that says so, not mangled.
    let options = ImportOptions {
        encoding: Some(CsvEncoding::Utf8),
        ..ImportOptions::default()
    };
    let error = EmployeeCsvReader::new(&cp932(&text)[..], &options).unwrap_err();
    assert_eq!(
        error,
        FileError::Undecodable {
            encoding: CsvEncoding::Utf8,
            row: 1
        }
    );
    assert!(
        error
            .to_string()
            .contains("1行目に UTF-8 として読めない文字があります")
    );
}

#[test]
fn an_ascii_start_longer_than_the_sniffed_prefix_then_cp932_is_reported_by_row() {
    // English headers and 2,000 ASCII-only rows: detection sees only ASCII and picks UTF-8, so
    // the CP932 row after them cannot be read, and the error names its row.
    let mut text = "employee_number,family_name,given_name,family_name_kana,given_name_kana,\
                    birth_date,postal_code,address,employment_type\r\n"
        .to_owned();
    for index in 0..2_000 {
        text.push_str(&format!(
            "E{index:05},Yamada,Taro,yamada,taro,1990-04-01,1000005,Tokyo,regular\r\n"
        ));
    }
    assert!(text.len() > 64 * 1024);
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(&cp932(
        "E99999,山田,太郎,ヤマダ,タロウ,1990-04-01,1000005,東京,regular\r\n",
    ));
    let error = validate_all(&bytes[..], &ImportOptions::default()).unwrap_err();
    assert_eq!(
        error,
        FileError::Undecodable {
            encoding: CsvEncoding::Utf8,
            row: 2_002
        }
    );
}

#[test]
fn utf16_is_refused_with_advice() {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "社員番号".encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let error = EmployeeCsvReader::new(&bytes[..], &ImportOptions::default()).unwrap_err();
    assert_eq!(error, FileError::Utf16);
    assert!(error.to_string().contains("CSV UTF-8"));
}

#[test]
fn garbage_bytes_are_a_clear_error_not_a_panic() {
    // 0xFF and 0xFD are neither UTF-8 nor Shift_JIS; 0x81 0x20 is a Shift_JIS lead byte without
    // a trail byte.
    let garbage = [0xFD, 0xFF, 0x81, 0x20, 0xFF, 0xA0, 0x0A, 0xFE];
    let error = EmployeeCsvReader::new(&garbage[..], &ImportOptions::default()).unwrap_err();
    assert_eq!(
        error,
        FileError::Undecodable {
            encoding: CsvEncoding::ShiftJis,
            row: 1
        }
    );
    assert_eq!(
        validate_all(&garbage[..], &ImportOptions::default()),
        Err(error)
    );
}

#[test]
fn garbage_in_the_middle_stops_the_reader_at_that_row() {
    let mut bytes = file(&[&valid_row("E0001")]).into_bytes();
    bytes.extend_from_slice(b"E0002,\xFF\xFE\xFD\r\n");
    bytes.extend_from_slice(valid_row("E0003").as_bytes());
    let options = ImportOptions {
        encoding: Some(CsvEncoding::Utf8),
        ..ImportOptions::default()
    };
    let mut reader = EmployeeCsvReader::new(&bytes[..], &options).unwrap();
    assert!(reader.next().unwrap().is_ok());
    let last = reader.next().unwrap().unwrap_err();
    assert_eq!(last.row, 3);
    assert!(
        last.errors[0]
            .message
            .contains("3行目に UTF-8 として読めない文字があります")
    );
    assert!(reader.next().is_none());
    assert_eq!(
        reader.failure(),
        Some(&FileError::Undecodable {
            encoding: CsvEncoding::Utf8,
            row: 3
        })
    );
    assert_eq!(
        validate_all(&bytes[..], &options),
        Err(FileError::Undecodable {
            encoding: CsvEncoding::Utf8,
            row: 3
        })
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = validate_all(&bytes[..], &ImportOptions::default());
            for encoding in [CsvEncoding::Utf8, CsvEncoding::ShiftJis] {
                let options = ImportOptions { encoding: Some(encoding), ..ImportOptions::default() };
                let _ = validate_all(&bytes[..], &options);
            }
        }

        #[test]
        fn arbitrary_rows_under_a_valid_header_never_panic(
            rows in proptest::collection::vec("[\\PC,\"\r\n０-９ａ-ｚ　]{0,80}", 0..6)
        ) {
            let text = file(&rows.iter().map(String::as_str).collect::<Vec<_>>());
            let preview = validate_all(text.as_bytes(), &ImportOptions::default());
            let preview = preview.unwrap();
            prop_assert_eq!(preview.rows, preview.valid_rows + preview.rows_with_errors);
            let _ = validate_all(&cp932(&text.chars().filter(|c| c.is_ascii()).collect::<String>())[..], &ImportOptions::default());
        }
    }
}
