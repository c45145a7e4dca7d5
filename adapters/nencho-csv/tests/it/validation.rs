use nencho_csv::{CellError, Column, ImportOptions, validate_all, validate_all_with};

use crate::{errors_of, file, read, valid_row};

fn message(errors: &[(u64, &'static str, String)], column: &str) -> String {
    let found: Vec<&String> = errors
        .iter()
        .filter(|(_, name, _)| *name == column)
        .map(|(_, _, message)| message)
        .collect();
    assert_eq!(found.len(), 1, "one error for {column} in {errors:?}");
    found[0].clone()
}

#[test]
fn every_error_of_a_row_is_listed_with_row_column_and_japanese_message() {
    let errors = errors_of(
        "E 1,,名前\u{0007},山田,12,2026-02-30,12345,,bad-mail,部署,派遣,2020/4/1,2019/4/1",
    );
    assert!(errors.iter().all(|(row, _, _)| *row == 2));
    let columns: Vec<&str> = errors.iter().map(|(_, column, _)| *column).collect();
    assert_eq!(
        columns,
        [
            "社員番号",
            "姓",
            "名",
            "姓カナ",
            "名カナ",
            "生年月日",
            "郵便番号",
            "住所",
            "メールアドレス",
            "雇用区分",
            "退職日"
        ]
    );
    assert_eq!(
        message(&errors, "社員番号"),
        "社員番号「E 1」は半角英数字・ハイフン（-）・アンダースコア（_）の20文字以内で入力してください"
    );
    assert_eq!(message(&errors, "姓"), "姓が入力されていません");
    assert_eq!(message(&errors, "名"), "名に改行や制御文字は使えません");
    assert_eq!(
        message(&errors, "姓カナ"),
        "姓カナはカタカナで入力してください（ひらがな・半角カナも使えます）。使えない文字: 「山」"
    );
    assert_eq!(
        message(&errors, "名カナ"),
        "名カナはカタカナで入力してください（ひらがな・半角カナも使えます）。使えない文字: 「1」"
    );
    assert_eq!(
        message(&errors, "生年月日"),
        "生年月日「2026-02-30」は存在しない日付です"
    );
    assert_eq!(
        message(&errors, "郵便番号"),
        "郵便番号「12345」は7桁の数字で入力してください（例: 100-0013）"
    );
    assert_eq!(message(&errors, "住所"), "住所が入力されていません");
    assert_eq!(
        message(&errors, "メールアドレス"),
        "メールアドレス「bad-mail」の形式が正しくありません（例: taro.yamada@example.jp）"
    );
    assert_eq!(
        message(&errors, "雇用区分"),
        "雇用区分「派遣」は 正社員・契約社員・パート・アルバイト・役員・その他 のいずれかを入力してください"
    );
    assert_eq!(
        message(&errors, "退職日"),
        "退職日（2019年4月1日）が入社日（2020年4月1日）より前です"
    );
}

#[test]
fn dates_outside_their_era_and_in_unknown_shapes_are_explained() {
    let errors = errors_of(
        "E1,山田,太郎,ヤマダ,タロウ,平成31年5月1日,1000005,東京都,,,正社員,2026年13月1日,来月",
    );
    assert_eq!(
        message(&errors, "生年月日"),
        "生年月日「平成31年5月1日」は平成の期間外です（平成は平成元年1月8日から平成31年4月30日まで）"
    );
    assert_eq!(
        message(&errors, "入社日"),
        "入社日「2026年13月1日」は存在しない日付です"
    );
    assert_eq!(
        message(&errors, "退職日"),
        "退職日「来月」を日付として読めません。2026/11/25、2026-11-25、20261125、令和8年11月25日、R8.11.25 のように入力してください"
    );
}

#[test]
fn hiring_before_birth_and_overlong_cells_are_refused() {
    let long_name = "長".repeat(51);
    let errors = errors_of(&format!(
        "E1,{long_name},太郎,ヤマダ,タロウ,2000/1/1,1000005,東京都,,,正社員,1999/4/1,"
    ));
    assert_eq!(
        message(&errors, "姓"),
        "姓は50文字以内で入力してください（51文字あります）"
    );
    assert_eq!(
        message(&errors, "入社日"),
        "入社日（1999年4月1日）が生年月日（2000年1月1日）より前です"
    );
    let errors = errors_of(&format!(
        "{},山田,太郎,ヤマダ,タロウ,2000/1/1,1000005,東京都,,,正社員,,",
        "1".repeat(21)
    ));
    assert!(message(&errors, "社員番号").ends_with("20文字以内で入力してください"));
}

#[test]
fn a_row_with_the_wrong_number_of_columns_is_one_error() {
    let items = read(file(&[&format!("{},余分", valid_row("E1")), "E2,山田"]).as_bytes());
    let first = items[0].clone().unwrap_err();
    assert_eq!(first.row, 2);
    assert_eq!(first.employee_number.as_deref(), Some("E1"));
    assert_eq!(
        first.errors,
        [CellError {
            row: 2,
            column: None,
            message: "列の数が見出し行と合いません（見出しは13列、この行は14列です）。値の中のコンマ（,）は値全体を \" で囲んでください".to_owned(),
        }]
    );
    assert_eq!(
        first.errors[0].to_string(),
        format!("2行目: {}", first.errors[0].message)
    );
    let second = items[1].clone().unwrap_err();
    assert_eq!(second.row, 3);
    assert!(second.errors[0].message.contains("この行は2列です"));
}

#[test]
fn a_value_under_a_blank_header_is_an_error() {
    let text = format!(
        "{},\r\n{},\r\n{},メモ\r\n",
        crate::HEADER,
        valid_row("E1"),
        valid_row("E2")
    );
    let items = read(text.as_bytes());
    assert!(items[0].is_ok());
    let errors = items[1].clone().unwrap_err();
    assert_eq!(errors.errors.len(), 1);
    assert_eq!(errors.errors[0].column, None);
    assert_eq!(
        errors.errors[0].message,
        "14列目は見出しが空ですが値があります。見出しを付けるか値を消してください"
    );
}

#[test]
fn duplicate_employee_numbers_name_both_rows() {
    let text = file(&[
        &valid_row("E1"),
        &valid_row("E2"),
        &valid_row("Ｅ１"),
        "E2,,太郎,ヤマダ,タロウ,1990/4/1,1000005,東京都,,,正社員,,",
    ]);
    let mut staged = Vec::new();
    let preview = validate_all_with(text.as_bytes(), &ImportOptions::default(), |row| {
        staged.push(row.row)
    })
    .unwrap();
    assert_eq!(staged, [2, 3]);
    assert_eq!(preview.rows, 4);
    assert_eq!(preview.valid_rows, 2);
    assert_eq!(preview.rows_with_errors, 2);
    assert!(!preview.is_valid());
    assert_eq!(
        preview.errors,
        [
            CellError {
                row: 4,
                column: Some(Column::EmployeeNumber),
                message: "社員番号「E1」が2行目と重複しています（2行目と4行目）".to_owned(),
            },
            CellError {
                row: 5,
                column: Some(Column::FamilyName),
                message: "姓が入力されていません".to_owned(),
            },
            CellError {
                row: 5,
                column: Some(Column::EmployeeNumber),
                message: "社員番号「E2」が3行目と重複しています（3行目と5行目）".to_owned(),
            },
        ]
    );
    assert_eq!(
        preview.errors[0].to_string(),
        "4行目・社員番号: 社員番号「E1」が2行目と重複しています（2行目と4行目）"
    );
}

#[test]
fn the_preview_keeps_at_most_max_errors_but_counts_them_all() {
    let rows: Vec<String> = (0..10)
        .map(|index| format!("E{index},,,,,,,,,,,,"))
        .collect();
    let text = file(&rows.iter().map(String::as_str).collect::<Vec<_>>());
    let options = ImportOptions {
        max_errors: 5,
        ..ImportOptions::default()
    };
    let preview = validate_all(text.as_bytes(), &options).unwrap();
    assert_eq!(preview.rows_with_errors, 10);
    // 姓, 名, 姓カナ, 名カナ, 生年月日, 郵便番号, 住所, 雇用区分: eight empty required cells a row.
    assert_eq!(preview.error_count, 80);
    assert_eq!(preview.errors.len(), 5);
    assert!(preview.errors_truncated());
}

#[test]
fn a_valid_file_previews_clean() {
    let text = file(&[&valid_row("E1"), &valid_row("E2")]);
    let preview = validate_all(text.as_bytes(), &ImportOptions::default()).unwrap();
    assert_eq!(
        (preview.rows, preview.valid_rows, preview.error_count),
        (2, 2, 0)
    );
    assert!(preview.is_valid());
    assert!(!preview.errors_truncated());
}
