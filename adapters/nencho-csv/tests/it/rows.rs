use nencho_csv::{Column, EmployeeCsvReader, EmployeeRow, ImportOptions};
use nencho_kernel::EmailAddress;
use nencho_tenancy::{EmploymentType, PostalCode};
use time::macros::date;

use crate::{HEADER, file, read, valid_row};

#[test]
fn a_valid_row_becomes_a_typed_employee() {
    let items = read(file(&[&valid_row("E0001")]).as_bytes());
    assert_eq!(
        items,
        vec![Ok(EmployeeRow {
            row: 2,
            employee_number: "E0001".to_owned(),
            family_name: "山田".to_owned(),
            given_name: "太郎".to_owned(),
            family_name_kana: "ヤマダ".to_owned(),
            given_name_kana: "タロウ".to_owned(),
            birth_date: date!(1990 - 04 - 01),
            postal_code: PostalCode::parse("1000005").unwrap(),
            address: "東京都千代田区丸の内1-1-1".to_owned(),
            email: Some(EmailAddress::parse("taro@example.jp").unwrap()),
            department: Some("総務部".to_owned()),
            employment_type: EmploymentType::Regular,
            hire_date: Some(date!(2015 - 04 - 01)),
            leave_date: None,
        })]
    );
}

#[test]
fn a_quoted_address_may_hold_line_breaks_and_rows_keep_excel_numbers() {
    let text = file(&[
        "E0001,山田,太郎,ヤマダ,タロウ,1990/4/1,100-0005,\"東京都千代田区丸の内1-1-1\r\n年調ビル5階\",,,正社員,,",
        "E0002,佐藤,花子,サトウ,ハナコ,1990/4/1,100-0005,\"大阪府\n\n「北区」, \"\"梅田\"\"\",,,正社員,,",
        "E0003,鈴木,一郎,スズキ,イチロウ,1990/4/1,100-0005,東京都,,,正社員,,",
    ]);
    let items = read(text.as_bytes());
    let rows: Vec<EmployeeRow> = items.into_iter().map(Result::unwrap).collect();
    assert_eq!(rows[0].address, "東京都千代田区丸の内1-1-1\n年調ビル5階");
    assert_eq!(rows[1].address, "大阪府\n\n「北区」, \"梅田\"");
    // Excel shows each record as one row whatever line breaks its cells hold.
    assert_eq!(
        rows.iter().map(|row| row.row).collect::<Vec<_>>(),
        [2, 3, 4]
    );
}

#[test]
fn full_width_digits_letters_and_spaces_are_normalised() {
    let text = file(&[
        "\u{3000}Ｅ００１２\u{3000},\u{3000}山田 ,太郎,やまだ,ﾀﾛｳ,１９９０／４／１,〒１００－０００５,東京都,ＴＡＲＯ＠ＥＸＡＭＰＬＥ．ＪＰ, 総務部 ,ｐａｒｔ＿ｔｉｍｅ,２０１５年４月１日,",
    ]);
    let row = read(text.as_bytes()).remove(0).unwrap();
    assert_eq!(row.employee_number, "E0012");
    assert_eq!(row.family_name, "山田");
    assert_eq!(row.family_name_kana, "ヤマダ");
    assert_eq!(row.given_name_kana, "タロウ");
    assert_eq!(row.birth_date, date!(1990 - 04 - 01));
    assert_eq!(row.postal_code.to_string(), "100-0005");
    assert_eq!(row.email.unwrap().as_str(), "TARO@example.jp");
    assert_eq!(row.department.as_deref(), Some("総務部"));
    assert_eq!(row.employment_type, EmploymentType::PartTime);
    assert_eq!(row.hire_date, Some(date!(2015 - 04 - 01)));
}

#[test]
fn wareki_and_every_western_shape_of_date_are_read() {
    let dated = |birth: &str, hire: &str, leave: &str| {
        format!("E1,山田,太郎,ヤマダ,タロウ,{birth},1000005,東京都,,,正社員,{hire},{leave}")
    };
    let text = file(&[
        &dated("昭和64年1月7日", "平成31年4月30日", "令和元年5月1日"),
        &dated("S64.1.7", "H31.4.30", "R1.5.1"),
        &dated("1989-01-07", "2019/4/30", "20190501"),
        &dated("１９８９年１月７日", "Ｈ３１．４．３０", "令和元年５月１日"),
    ]);
    let items = read(text.as_bytes());
    assert_eq!(items.len(), 4);
    for item in items {
        let row = item.unwrap();
        assert_eq!(row.birth_date, date!(1989 - 01 - 07));
        assert_eq!(row.hire_date, Some(date!(2019 - 04 - 30)));
        assert_eq!(row.leave_date, Some(date!(2019 - 05 - 01)));
    }
}

#[test]
fn headers_in_any_order_in_english_and_without_optional_columns() {
    let text = "employment_type,Address,birth_date,postal_code,given_name_kana,family_name_kana,given_name,family_name,社員番号\n\
                役員,東京都,1970/1/1,1000005,タロウ,ヤマダ,太郎,山田,A-1\n";
    let mut reader = EmployeeCsvReader::new(text.as_bytes(), &ImportOptions::default()).unwrap();
    assert_eq!(reader.columns().len(), 9);
    assert_eq!(reader.columns()[0], Column::EmploymentType);
    let row = reader.next().unwrap().unwrap();
    assert_eq!(row.employee_number, "A-1");
    assert_eq!(row.employment_type, EmploymentType::Officer);
    assert_eq!(row.email, None);
    assert_eq!(row.department, None);
    assert_eq!(row.hire_date, None);
    assert!(reader.next().is_none());
}

#[test]
fn lf_line_ends_blank_rows_and_trailing_empty_lines_are_fine() {
    let text = format!(
        "{HEADER}\n{}\n\n,,,,,,,,,,,,\n{}\n\n\n\r\n",
        valid_row("E1"),
        valid_row("E2")
    );
    let items = read(text.as_bytes());
    let rows: Vec<u64> = items.into_iter().map(|item| item.unwrap().row).collect();
    // The blank line (row 3) and the row of empty cells (row 4) are skipped but still counted,
    // as Excel shows them.
    assert_eq!(rows, [2, 5]);
}

#[test]
fn employee_numbers_keep_their_leading_zeros() {
    let row = read(file(&[&valid_row("000123")]).as_bytes())
        .remove(0)
        .unwrap();
    assert_eq!(row.employee_number, "000123");
}

#[test]
fn classic_mac_line_ends_are_read_too() {
    let text = format!(
        "{HEADER}\r{}\r\r{}\r",
        valid_row("E1"),
        valid_row("E2").replace("東京都千代田区丸の内1-1-1", "\"東京都\r丸の内\"")
    );
    let rows: Vec<EmployeeRow> = read(text.as_bytes())
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.iter().map(|row| row.row).collect::<Vec<_>>(), [2, 4]);
    assert_eq!(rows[1].address, "東京都\n丸の内");
}
