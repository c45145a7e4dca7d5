#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test panics

use super::tests::machine_font;
use super::*;

fn person(kana: &str, name: &str, class: &str) -> SlipPerson {
    SlipPerson {
        kana: kana.into(),
        name: name.into(),
        class: class.into(),
    }
}

/// A slip with every box filled the way the web adapter words it.
fn sample(name: &str, payment: &str) -> WithholdingSlipSheet {
    WithholdingSlipSheet {
        title: "令和8年分 給与所得の源泉徴収票".into(),
        recipient_address: "東京都世田谷区桜新町二丁目3番4号 サクラハイツ305号室".into(),
        recipient_number: "E0001".into(),
        recipient_kana: "ヤマダ タロウ".into(),
        recipient_name: name.into(),
        recipient_position: "課長".into(),
        kind: "給料・賞与".into(),
        payment: payment.into(),
        employment_income: "3,560,000".into(),
        total_deductions: "1,834,560".into(),
        tax: "86,200".into(),
        spouse_presence: "有".into(),
        spouse_elderly: String::new(),
        spouse_deduction: "380,000".into(),
        specific_dependents: "1".into(),
        elderly_dependents: "1".into(),
        elderly_living_together: "1".into(),
        other_dependents: "1".into(),
        young_dependents: "1".into(),
        special_disabled: "1".into(),
        special_disabled_living_together: "1".into(),
        other_disabled: String::new(),
        non_resident_relatives: String::new(),
        social_insurance: "724,560".into(),
        mutual_aid_within: "120,000".into(),
        life_insurance_deduction: "100,000".into(),
        earthquake_insurance_deduction: "50,000".into(),
        housing_loan_credit: "182,000".into(),
        remarks: vec![
            "前職分 株式会社ビー(東京都港区芝公園1-2-3) 支払金額 1,200,000円 源泉徴収税額 32,100円 社会保険料 180,000円 令和8年3月31日退職".into(),
            "控除対象扶養親族(5人目) ヤマダ ゴロウ 山田 五郎".into(),
        ],
        new_life_premium: "120,000".into(),
        old_life_premium: String::new(),
        care_medical_premium: "60,000".into(),
        new_pension_premium: "96,000".into(),
        old_pension_premium: String::new(),
        housing_loan_count: "1".into(),
        housing_residence_start: "令和5年4月1日".into(),
        housing_year_end_balance: "26,000,000".into(),
        housing_credit_available: "182,000".into(),
        spouse: person("ヤマダ ハナコ", "山田 花子", ""),
        spouse_income: "0".into(),
        national_pension: String::new(),
        old_long_term_premium: String::new(),
        basic_deduction: "580,000".into(),
        income_adjustment: String::new(),
        specific_relative_deduction: String::new(),
        dependents: vec![
            person("ヤマダ イチロウ", "山田 一郎", "特定"),
            person("ヤマダ ウメ", "山田 ウメ", "同居老親等"),
            person("ヤマダ ジロウ", "山田 次郎", ""),
        ],
        young: vec![person("ヤマダ サブロウ", "山田 三郎", "")],
        minor: String::new(),
        foreigner: String::new(),
        death_retirement: String::new(),
        disaster: String::new(),
        otsu: String::new(),
        disabled_special: String::new(),
        disabled_other: "*".into(),
        widow: String::new(),
        single_parent: String::new(),
        working_student: String::new(),
        joined_or_left: "就職".into(),
        joined_or_left_on: "令和8年4月1日".into(),
        birth_date: "昭和60年5月15日".into(),
        payer_address: "東京都千代田区丸の内一丁目1番1号".into(),
        payer_name: "株式会社エー".into(),
        payer_phone: "03-1234-5678".into(),
    }
}

/// Each page's text, as a reader extracts it through the font's ToUnicode map.
fn pages_of(pdf: &[u8]) -> Vec<String> {
    let document = lopdf::Document::load_mem(pdf).expect("the PDF parses");
    document
        .get_pages()
        .keys()
        .map(|page| document.extract_text(&[*page]).expect("text extraction"))
        .collect()
}

fn title_of(pdf: &[u8]) -> String {
    let document = lopdf::Document::load_mem(pdf).unwrap();
    let info = document
        .trailer
        .get(b"Info")
        .unwrap()
        .as_reference()
        .unwrap();
    let title = document
        .get_dictionary(info)
        .unwrap()
        .get(b"Title")
        .unwrap()
        .as_str()
        .unwrap()
        .to_vec();
    lopdf::decode_text_string(&lopdf::Object::String(title, lopdf::StringFormat::Literal)).unwrap()
}

#[test]
fn each_sheet_is_one_page_carrying_its_values() {
    let Some(font) = machine_font("each_sheet_is_one_page_carrying_its_values") else {
        return;
    };
    let mut second = sample("鈴木 花子", "4,321,000");
    second.recipient_kana = "スズキ ハナコ".into();
    second.remarks = vec!["住宅借入金等特別控除区分(1回目) 住".into()];
    second.dependents = vec![person("スズキ ケン", "鈴木 健", "")];
    let sheets = [sample("山田 太郎", "5,000,000"), second];
    let pdf =
        render_withholding_slips("源泉徴収票 令和8年分 株式会社エー", &sheets, &font).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(title_of(&pdf), "源泉徴収票 令和8年分 株式会社エー");

    let pages = pages_of(&pdf);
    assert_eq!(pages.len(), 2, "one page per sheet");
    let (first, second) = (&pages[0], &pages[1]);
    for expected in [
        "令和8年分 給与所得の源泉徴収票",
        "受給者交付用",
        "山田 太郎",
        "ヤマダ タロウ",
        "5,000,000",
        "3,560,000",
        "1,834,560",
        "86,200",
        "724,560",
        "120,000",
        "26,000,000",
        "令和5年4月1日",
        "前職分 株式会社ビー",
        "控除対象扶養親族(5人目)",
        "山田 花子",
        "山田 一郎",
        "同居老親等",
        "山田 三郎",
        "昭和60年5月15日",
        "令和8年4月1日",
        "株式会社エー",
        "東京都千代田区丸の内一丁目1番1号",
        "03-1234-5678",
        "E0001",
        "課長",
        "給料・賞与",
        "支払金額",
        "源泉徴収税額",
        "摘要",
    ] {
        assert!(first.contains(expected), "{expected} on page 1:\n{first}");
    }
    for expected in [
        "鈴木 花子",
        "4,321,000",
        "鈴木 健",
        "住宅借入金等特別控除区分(1回目) 住",
    ] {
        assert!(second.contains(expected), "{expected} on page 2:\n{second}");
    }
    for absent in ["山田 太郎", "5,000,000", "山田 一郎", "前職分"] {
        assert!(
            !second.contains(absent),
            "{absent} is not on page 2:\n{second}"
        );
    }
    // Amounts are printed bare, the box carries 円 once.
    assert!(!first.contains("5,000,000円"), "{first}");
}

#[test]
fn an_amount_worded_with_its_unit_is_not_printed_with_two() {
    let Some(font) = machine_font("an_amount_worded_with_its_unit_is_not_printed_with_two") else {
        return;
    };
    let mut sheet = sample("山田 太郎", "5,000,000円");
    sheet.specific_dependents = "2人".into();
    let pdf = render_withholding_slips("源泉徴収票", &[sheet], &font).unwrap();
    let pages = pages_of(&pdf);
    assert!(pages[0].contains("5,000,000"), "{}", pages[0]);
    assert!(!pages[0].contains("5,000,000円"), "{}", pages[0]);
    assert!(!pages[0].contains("2人"), "{}", pages[0]);
}

#[test]
fn an_empty_sheet_and_no_sheets_render() {
    let Some(font) = machine_font("an_empty_sheet_and_no_sheets_render") else {
        return;
    };
    let pdf = render_withholding_slips("空", &[WithholdingSlipSheet::default()], &font).unwrap();
    let pages = pages_of(&pdf);
    assert_eq!(pages.len(), 1);
    // The form's own words are there, nothing else.
    assert!(pages[0].contains("支払金額"), "{}", pages[0]);
    assert!(pages[0].contains("源泉徴収税額"), "{}", pages[0]);
    assert!(
        !pages[0].contains('0'),
        "no value is printed:\n{}",
        pages[0]
    );

    let none = render_withholding_slips("空", &[], &font).unwrap();
    assert_eq!(pages_of(&none).len(), 1, "a PDF has a page");
}

/// Every box overfull, 31 remarks.
fn long_sheet() -> WithholdingSlipSheet {
    let long = "とても長い値が箱からはみ出さないことを確かめるための文章です。".repeat(8);
    let mut sheet = sample(&long, "123,456,789,012,345,678");
    sheet.recipient_address = long.clone();
    sheet.payer_name = long.clone();
    sheet.payer_phone = long.clone();
    sheet.spouse = person(&long, &long, &long);
    sheet.dependents = (1..=6).map(|_| person(&long, &long, &long)).collect();
    sheet.young = (1..=6).map(|_| person(&long, &long, &long)).collect();
    sheet.birth_date = long.clone();
    sheet.recipient_kana = long.clone();
    sheet.recipient_number = long.clone();
    sheet.recipient_position = long.clone();
    sheet.kind = long.clone();
    sheet.spouse_presence = long.clone();
    sheet.housing_residence_start = long.clone();
    sheet.joined_or_left_on = long.clone();
    sheet.payer_address = long.clone();
    sheet.title = long.clone();
    let huge = "123,456,789,012,345,678,901";
    for amount in [
        &mut sheet.tax,
        &mut sheet.social_insurance,
        &mut sheet.mutual_aid_within,
        &mut sheet.spouse_deduction,
        &mut sheet.specific_dependents,
        &mut sheet.new_life_premium,
        &mut sheet.housing_year_end_balance,
        &mut sheet.old_long_term_premium,
    ] {
        *amount = huge.into();
    }
    sheet.elderly_living_together = long.clone();
    sheet.remarks = (1..=30)
        .map(|index| format!("摘要{index}行目 {long}"))
        .collect();
    sheet.remarks.push("最後の摘要".into());
    sheet
}

#[test]
fn long_values_and_many_remarks_stay_on_one_page_per_sheet() {
    let Some(font) = machine_font("long_values_and_many_remarks_stay_on_one_page_per_sheet") else {
        return;
    };
    let sheet = long_sheet();
    let sheets = [sheet.clone(), sheet];
    let pdf = render_withholding_slips("長い", &sheets, &font).unwrap();
    let pages = pages_of(&pdf);
    assert_eq!(pages.len(), 2, "one page per sheet");
    assert!(
        pages[0].contains("摘要1行目"),
        "the first remark is printed"
    );
    assert!(
        !pages[0].contains("最後の摘要"),
        "the remarks that do not fit are dropped"
    );
    assert!(pages[0].contains('…'), "cut text ends with an ellipsis");
}

/// Where each text of a page lies: (text, left, top, right, bottom, its box).
fn extents(
    font: &PrintFont,
    sheet: &WithholdingSlipSheet,
) -> Vec<(String, [f32; 4], slip::Area, f32)> {
    let face = font::Face::new(font).unwrap();
    slip::layout(&face, sheet)
        .into_iter()
        .filter_map(|op| match op {
            slip::Op::Text {
                within,
                x,
                y,
                size,
                text,
                ..
            } => {
                let width = face.width(&text, size);
                // IPAex and Noto: ascent 0.88 em, descent 0.12 em.
                let bounds = [x, y - 0.88 * size, x + width, y + 0.12 * size];
                Some((text, bounds, within, size))
            }
            _ => None,
        })
        .collect()
}

/// Every text stays inside its box, no two texts overlap and nothing is smaller than 4pt.
fn assert_tidy(font: &PrintFont, sheet: &WithholdingSlipSheet) {
    let texts = extents(font, sheet);
    assert!(
        texts.len() > 80,
        "the form's labels and values: {}",
        texts.len()
    );
    let slack = 0.05;
    for (text, [left, top, right, bottom], within, size) in &texts {
        assert!(*size >= 4.0, "{text} at {size}pt");
        assert!(
            *left >= within.x - slack
                && *right <= within.x + within.w + slack
                && *top >= within.y - slack
                && *bottom <= within.y + within.h + slack,
            "{text} ({left}, {top})–({right}, {bottom}) at {size}pt leaves its box {within:?}"
        );
        assert!(
            *left >= 36.0 - slack && *right <= 595.28 - 36.0 + slack && *bottom <= 841.89 - 36.0,
            "{text} is inside the page's margins"
        );
    }
    for (index, (text, [left, top, right, bottom], _, _)) in texts.iter().enumerate() {
        for (other, [other_left, other_top, other_right, other_bottom], _, _) in &texts[index + 1..]
        {
            let apart = right - slack <= *other_left
                || other_right - slack <= *left
                || bottom - slack <= *other_top
                || other_bottom - slack <= *top;
            assert!(apart, "{text} overlaps {other}");
        }
    }
}

#[test]
fn every_text_stays_in_its_box_without_overlapping() {
    let Some(font) = machine_font("every_text_stays_in_its_box_without_overlapping") else {
        return;
    };
    assert_tidy(&font, &sample("山田 太郎", "5,000,000"));
    assert_tidy(&font, &long_sheet());
    assert_tidy(&font, &WithholdingSlipSheet::default());
    // A long value is shrunk, not cut, while it fits at the smallest size.
    let mut sheet = sample("山田 太郎", "5,000,000");
    sheet.payer_name =
        "株式会社エー・ビー・シー・ホールディングス 東日本統括本部 人事部給与課".into();
    let texts = extents(&font, &sheet);
    let (_, _, _, size) = texts
        .iter()
        .find(|(text, ..)| text == &sheet.payer_name)
        .expect("the payer's whole name");
    assert!(*size < 10.5 && *size >= 6.0, "shrunk to {size}pt");
}

/// Writes a realistic slip for looking at: `NENCHO_SLIP_SAMPLE=/tmp/slip-sample.pdf cargo test
/// -p nencho-pdf -- --ignored write_a_sample_slip`.
#[test]
#[ignore = "writes a sample PDF for a person to look at"]
fn write_a_sample_slip() {
    let Some(font) = machine_font("write_a_sample_slip") else {
        return;
    };
    let path =
        std::env::var("NENCHO_SLIP_SAMPLE").unwrap_or_else(|_| "/tmp/slip-sample.pdf".into());
    let pdf = render_withholding_slips(
        "源泉徴収票 令和8年分 株式会社エー",
        &[sample("山田 太郎", "5,000,000")],
        &font,
    )
    .unwrap();
    std::fs::write(&path, pdf).unwrap();
    let long = render_withholding_slips("長い", &[long_sheet()], &font).unwrap();
    std::fs::write(format!("{path}.long.pdf"), long).unwrap();
}
