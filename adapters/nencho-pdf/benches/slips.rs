//! How long the 源泉徴収票 PDF takes and how large it is: one slip (an employee's download) and a
//! company's 500 (the settlement's 「源泉徴収票(PDF)を作成」). Needs a Japanese font (Debian's
//! fonts-ipaexfont-gothic or NENCHO_PDF_FONT); without one it prints a notice and measures nothing.

use criterion::{Criterion, criterion_group, criterion_main};
use nencho_pdf::{PrintFont, SlipPerson, WithholdingSlipSheet, render_withholding_slips};

fn sheet(number: usize) -> WithholdingSlipSheet {
    let person = |kana: &str, name: &str, class: &str| SlipPerson {
        kana: kana.into(),
        name: name.into(),
        class: class.into(),
    };
    WithholdingSlipSheet {
        title: "令和8年分 給与所得の源泉徴収票".into(),
        recipient_address: "東京都世田谷区桜新町二丁目3番4号 サクラハイツ305号室".into(),
        recipient_number: format!("E{number:05}"),
        recipient_kana: "ヤマダ タロウ".into(),
        recipient_name: "山田 太郎".into(),
        kind: "給料・賞与".into(),
        payment: "5,000,000".into(),
        employment_income: "3,560,000".into(),
        total_deductions: "1,834,560".into(),
        tax: "86,200".into(),
        spouse_presence: "有".into(),
        spouse_deduction: "380,000".into(),
        specific_dependents: "1".into(),
        elderly_dependents: "1".into(),
        elderly_living_together: "1".into(),
        young_dependents: "1".into(),
        social_insurance: "724,560".into(),
        life_insurance_deduction: "100,000".into(),
        earthquake_insurance_deduction: "50,000".into(),
        remarks: vec![
            "前職分 支払金額1,200,000円 源泉徴収税額32,100円 社会保険料等180,000円 株式会社ビー 2026-03-31退職".into(),
        ],
        new_life_premium: "120,000".into(),
        spouse: person("ヤマダ ハナコ", "山田 花子", ""),
        spouse_income: "0".into(),
        basic_deduction: "580,000".into(),
        dependents: vec![
            person("ヤマダ イチロウ", "山田 一郎", "特定"),
            person("ヤマダ ウメ", "山田 ウメ", "同居老親等"),
        ],
        young: vec![person("ヤマダ サブロウ", "山田 三郎", "")],
        joined_or_left: "就職".into(),
        joined_or_left_on: "令和8年4月1日".into(),
        birth_date: "昭和60年5月15日".into(),
        payer_address: "東京都千代田区丸の内一丁目1番1号".into(),
        payer_name: "株式会社エー".into(),
        payer_phone: "03-1234-5678".into(),
        ..WithholdingSlipSheet::default()
    }
}

fn slips(c: &mut Criterion) {
    let font = match PrintFont::locate() {
        Ok(font) => font,
        Err(error) => {
            eprintln!("!!!!! slips bench SKIPPED: {error}");
            return;
        }
    };
    let one = vec![sheet(1)];
    let company: Vec<_> = (1..=500).map(sheet).collect();
    for (name, sheets) in [("one slip", &one), ("500 slips", &company)] {
        if let Ok(pdf) = render_withholding_slips("bench", sheets, &font) {
            eprintln!("{name}: {} bytes", pdf.len());
        }
    }
    let mut group = c.benchmark_group("withholding slips");
    group.sample_size(10);
    group.bench_function("one slip", |b| {
        b.iter(|| render_withholding_slips("bench", &one, &font))
    });
    group.bench_function("500 slips", |b| {
        b.iter(|| render_withholding_slips("bench", &company, &font))
    });
    group.finish();
}

criterion_group!(benches, slips);
criterion_main!(benches);
