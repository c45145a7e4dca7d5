//! 給与所得の源泉徴収票 (受給者交付用): one slip per employee, laid out as the official form's
//! grid of boxes, every value already worded by the caller (amounts with digit grouping, dates
//! in 和暦, counts as digits, empty string = nothing printed).

use krilla::Document;
use krilla::color::luma;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke, StrokeDash};
use krilla::surface::Surface;
use krilla::text::{GlyphId, KrillaGlyph};

use crate::font::Face;
use crate::{PAGE_HEIGHT, PAGE_WIDTH, PdfError, PrintFont, fit, wrap};

/// A person listed on the slip (控除対象扶養親族, 16歳未満の扶養親族, the spouse).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlipPerson {
    /// (フリガナ).
    pub kana: String,
    /// 氏名.
    pub name: String,
    /// 区分 as printed beside the name (e.g. `老人`, `特定`, `同居老親等`; empty when none).
    pub class: String,
}

/// Everything one 源泉徴収票 prints, box by box, in the order of the official form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WithholdingSlipSheet {
    /// `令和8年分 給与所得の源泉徴収票`.
    pub title: String,
    /// 支払を受ける者: 住所又は居所.
    pub recipient_address: String,
    /// (受給者番号): the employee number.
    pub recipient_number: String,
    /// (フリガナ).
    pub recipient_kana: String,
    /// 氏名.
    pub recipient_name: String,
    /// (役職名).
    pub recipient_position: String,
    /// 種別: `給料・賞与`.
    pub kind: String,
    /// 支払金額 (this employer's and the 前職分's).
    pub payment: String,
    /// 給与所得控除後の金額(調整控除後).
    pub employment_income: String,
    /// 所得控除の額の合計額.
    pub total_deductions: String,
    /// 源泉徴収税額 (the 年調年税額).
    pub tax: String,
    /// (源泉)控除対象配偶者の有無等: `有`, `従有` or empty.
    pub spouse_presence: String,
    /// 老人 (the spouse is 老人控除対象配偶者): `*` or empty.
    pub spouse_elderly: String,
    /// 配偶者(特別)控除の額.
    pub spouse_deduction: String,
    /// 控除対象扶養親族の数 (配偶者を除く): 特定.
    pub specific_dependents: String,
    /// 老人 (内: 同居老親等 in `elderly_living_together`).
    pub elderly_dependents: String,
    pub elderly_living_together: String,
    /// その他.
    pub other_dependents: String,
    /// 16歳未満扶養親族の数.
    pub young_dependents: String,
    /// 障害者の数 (本人を除く): 特別 (内: 同居 in `special_disabled_living_together`).
    pub special_disabled: String,
    pub special_disabled_living_together: String,
    /// その他.
    pub other_disabled: String,
    /// 非居住者である親族の数.
    pub non_resident_relatives: String,
    /// 社会保険料等の金額 (内: 小規模企業共済等掛金 in `mutual_aid_within`).
    pub social_insurance: String,
    pub mutual_aid_within: String,
    /// 生命保険料の控除額.
    pub life_insurance_deduction: String,
    /// 地震保険料の控除額.
    pub earthquake_insurance_deduction: String,
    /// 住宅借入金等特別控除の額.
    pub housing_loan_credit: String,
    /// (摘要): one entry per line, wrapped if long.
    pub remarks: Vec<String>,
    /// 生命保険料の金額の内訳.
    pub new_life_premium: String,
    pub old_life_premium: String,
    pub care_medical_premium: String,
    pub new_pension_premium: String,
    pub old_pension_premium: String,
    /// 住宅借入金等特別控除の額の内訳: 適用数, 居住開始年月日, 住宅借入金等年末残高,
    /// 住宅借入金等特別控除可能額.
    pub housing_loan_count: String,
    pub housing_residence_start: String,
    pub housing_year_end_balance: String,
    pub housing_credit_available: String,
    /// (源泉・特別)控除対象配偶者 (name, kana, 区分) and 配偶者の合計所得.
    pub spouse: SlipPerson,
    pub spouse_income: String,
    /// 国民年金保険料等の金額.
    pub national_pension: String,
    /// 旧長期損害保険料の金額.
    pub old_long_term_premium: String,
    /// 基礎控除の額.
    pub basic_deduction: String,
    /// 所得金額調整控除額.
    pub income_adjustment: String,
    /// 特定親族特別控除の額 (from 令和7年分).
    pub specific_relative_deduction: String,
    /// 控除対象扶養親族 1–4 (more go to the remarks).
    pub dependents: Vec<SlipPerson>,
    /// 16歳未満の扶養親族 1–4 (more go to the remarks).
    pub young: Vec<SlipPerson>,
    /// The check boxes: 未成年者, 外国人, 死亡退職, 災害者, 乙欄, 本人が障害者 (特別, その他),
    /// 寡婦, ひとり親, 勤労学生 — `*` when it applies, else empty.
    pub minor: String,
    pub foreigner: String,
    pub death_retirement: String,
    pub disaster: String,
    pub otsu: String,
    pub disabled_special: String,
    pub disabled_other: String,
    pub widow: String,
    pub single_parent: String,
    pub working_student: String,
    /// 中途就・退職: `就職` or `退職` (or empty), and its 年月日.
    pub joined_or_left: String,
    pub joined_or_left_on: String,
    /// 受給者生年月日 (和暦).
    pub birth_date: String,
    /// 支払者: 住所(居所)又は所在地, 氏名又は名称, (電話).
    pub payer_address: String,
    pub payer_name: String,
    pub payer_phone: String,
}

/// One A4 page per sheet, in order; the document titled `title`.
pub fn render_withholding_slips(
    title: &str,
    sheets: &[WithholdingSlipSheet],
    font: &PrintFont,
) -> Result<Vec<u8>, PdfError> {
    let face = Face::new(font)?;
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(title.to_owned())
            .language("ja".into())
            .creator("nencho".into()),
    );
    let pages: Vec<Vec<Op>> = if sheets.is_empty() {
        // A PDF has at least one page.
        vec![Vec::new()]
    } else {
        sheets.iter().map(|sheet| layout(&face, sheet)).collect()
    };
    for ops in &pages {
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
            .ok_or_else(|| PdfError::Write("the page size".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        paint(&mut surface, &face, font, ops);
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|error| PdfError::Write(format!("{error:?}")))
}

/// What one sheet's page draws.
pub(crate) fn layout(face: &Face<'_>, sheet: &WithholdingSlipSheet) -> Vec<Op> {
    let mut slip = Slip {
        face,
        ops: Vec::new(),
    };
    slip.sheet(sheet);
    slip.ops
}

// The slip's measures, in points (origin top left, y down).
const LEFT: f32 = 36.0;
const WIDTH: f32 = PAGE_WIDTH - 2.0 * LEFT;
const TOP: f32 = 50.0;
/// Inside a box, between its rules and its text.
const PAD: f32 = 2.5;
/// Labels (grey, top left of a box) and the units in a box's corner.
const LABEL_SIZE: f32 = 6.0;
const LABEL_MIN: f32 = 4.0;
/// Values: text, amounts, and the smallest a long value shrinks to.
const VALUE_SIZE: f32 = 9.5;
const AMOUNT_SIZE: f32 = 10.5;
const MIN_SIZE: f32 = 6.0;
/// The font's ascent and descent in em (IPAex and Noto are close to these).
const ASCENT: f32 = 0.88;
const DESCENT: f32 = 0.12;
const LEADING: f32 = 1.25;
const INK: u8 = 0;
const LABEL_GREY: u8 = 85;
const HEAD_SHADE: u8 = 242;
const RULE: f32 = 0.5;
const DIVIDER: f32 = 0.9;
const FRAME: f32 = 1.2;

/// What the slip draws, in page coordinates.
pub(crate) enum Op {
    /// Text whose baseline starts at (x, y), in `grey` (0 = black), that stays inside `within`
    /// (its box).
    Text {
        #[cfg_attr(not(test), allow(dead_code))] // the layout tests check it
        within: Area,
        x: f32,
        y: f32,
        size: f32,
        grey: u8,
        text: String,
    },
    /// A filled rectangle.
    Shade { area: Area, grey: u8 },
    /// A black rectangle outline.
    Frame { area: Area, weight: f32 },
    /// A straight line; grey and dashed when `dashed`.
    Line {
        from: (f32, f32),
        to: (f32, f32),
        weight: f32,
        dashed: bool,
    },
}

/// A box of the form.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Area {
    pub(crate) x: f32,
    pub(crate) y: f32,
    pub(crate) w: f32,
    pub(crate) h: f32,
}

impl Area {
    fn new(x: f32, y: f32, w: f32, h: f32) -> Self {
        Self { x, y, w, h }
    }

    fn right(self) -> f32 {
        self.x + self.w
    }

    fn bottom(self) -> f32 {
        self.y + self.h
    }

    /// The part of the box below `top` points from its top.
    fn below(self, top: f32) -> Self {
        Self::new(self.x, self.y + top, self.w, (self.h - top).max(0.0))
    }

    /// The box with `by` points taken off every side.
    fn inset(self, by: f32) -> Self {
        Self::new(
            self.x + by,
            self.y + by,
            (self.w - 2.0 * by).max(0.0),
            (self.h - 2.0 * by).max(0.0),
        )
    }
}

/// Boxes side by side from `x`, each `widths[i]` wide and `h` high.
fn row<const N: usize>(x: f32, y: f32, h: f32, widths: [f32; N]) -> [Area; N] {
    let mut left = x;
    std::array::from_fn(|index| {
        let width = widths.get(index).copied().unwrap_or(0.0);
        let area = Area::new(left, y, width, h);
        left += width;
        area
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Center,
    Right,
}

/// An amount as the caller worded it, without a trailing unit (the box prints its own).
fn bare<'t>(value: &'t str, unit: &str) -> &'t str {
    let value = value.trim();
    if unit.is_empty() {
        return value;
    }
    value.strip_suffix(unit).map_or(value, str::trim_end)
}

/// A label stacked one character under the other (digits stay together: `16`).
fn stacked(text: &str) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    let mut digits = false;
    for character in text.chars() {
        let digit = character.is_ascii_digit();
        match tokens.last_mut() {
            Some(last) if digit && digits => last.push(character),
            _ => tokens.push(character.to_string()),
        }
        digits = digit;
    }
    tokens
}

struct Slip<'a> {
    face: &'a Face<'a>,
    ops: Vec<Op>,
}

impl Slip<'_> {
    fn text(&mut self, within: Area, x: f32, y: f32, size: f32, grey: u8, text: String) {
        if !text.is_empty() {
            self.ops.push(Op::Text {
                within,
                x,
                y,
                size,
                grey,
                text,
            });
        }
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        self.face.width(text, size)
    }

    /// `text` at the largest size from `max` down to `min` that fits `width`; at `min` it is cut
    /// with an ellipsis.
    fn fitted(&self, text: &str, max: f32, min: f32, width: f32) -> (String, f32) {
        if text.is_empty() || width <= 1.0 {
            return (String::new(), max);
        }
        let mut size = max;
        while size > min && self.width(text, size) > width {
            size = (size - 0.25).max(min);
        }
        (fit(self.face, text, size, width), size)
    }

    /// Lines of `texts` wrapped to `width` at the largest size from `max` down to `min` whose
    /// lines fit `height`; at `min` the lines that do not fit are dropped, the last kept one
    /// ending with an ellipsis.
    fn block(
        &self,
        texts: &[&str],
        width: f32,
        height: f32,
        (max, min): (f32, f32),
    ) -> (Vec<String>, f32) {
        let mut size = max;
        loop {
            let lines: Vec<String> = texts
                .iter()
                .flat_map(|text| wrap(self.face, text, size, width))
                .collect();
            // The first line takes `size`, each further one `size * LEADING`.
            let room = if height < size {
                0
            } else {
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // a few lines
                let further = ((height - size) / (size * LEADING)).floor() as usize;
                further + 1
            };
            if lines.len() <= room {
                return (lines, size);
            }
            if size <= min {
                let mut kept: Vec<String> = lines.into_iter().take(room).collect();
                if let Some(last) = kept.last_mut() {
                    *last = fit(self.face, &format!("{last}…"), size, width);
                }
                return (kept, size);
            }
            size = (size - 0.25).max(min);
        }
    }

    /// A box's rules.
    fn cell(&mut self, area: Area) {
        self.ops.push(Op::Frame { area, weight: RULE });
    }

    fn shade(&mut self, area: Area) {
        self.ops.push(Op::Shade {
            area,
            grey: HEAD_SHADE,
        });
    }

    /// A heavier rule across the slip, between its parts.
    fn divider(&mut self, y: f32) {
        self.ops.push(Op::Line {
            from: (LEFT, y),
            to: (LEFT + WIDTH, y),
            weight: DIVIDER,
            dashed: false,
        });
    }

    /// A thin dashed line inside a box (between フリガナ and 氏名).
    fn dashed(&mut self, x: f32, y: f32, width: f32) {
        self.ops.push(Op::Line {
            from: (x, y),
            to: (x + width, y),
            weight: 0.4,
            dashed: true,
        });
    }

    /// The small grey label in the box's top-left corner, no wider than `width`; its width.
    fn label(&mut self, area: Area, text: &str, width: f32) -> f32 {
        let (text, size) = self.fitted(text, LABEL_SIZE, LABEL_MIN, width);
        let used = self.width(&text, size);
        self.text(
            area,
            area.x + PAD,
            area.y + 1.5 + ASCENT * size,
            size,
            LABEL_GREY,
            text,
        );
        used
    }

    /// The unit (円, 人) in the box's top-right corner, printed whether or not there is a value;
    /// its width.
    fn unit(&mut self, area: Area, unit: &str) -> f32 {
        if unit.is_empty() {
            return 0.0;
        }
        let width = self.width(unit, LABEL_SIZE);
        self.text(
            area,
            area.right() - PAD - width,
            area.y + 1.5 + ASCENT * LABEL_SIZE,
            LABEL_SIZE,
            LABEL_GREY,
            unit.to_owned(),
        );
        width
    }

    /// A value on the box's bottom line, `inset` points kept free on its left.
    fn value(&mut self, area: Area, text: &str, max: f32, align: Align, inset: f32) {
        let room = area.w - 2.0 * PAD - inset;
        let (text, size) = self.fitted(text.trim(), max, MIN_SIZE, room);
        let width = self.width(&text, size);
        let x = match align {
            Align::Left => area.x + PAD + inset,
            Align::Center => area.x + inset + (area.w - inset - width) / 2.0,
            Align::Right => area.right() - PAD - 1.0 - width,
        };
        let y = area.bottom() - PAD - DESCENT * size - 0.5;
        self.text(area, x, y, size, INK, text);
    }

    /// Lines centred in the box both ways.
    fn centered(&mut self, area: Area, text: &str, (max, min): (f32, f32), grey: u8) {
        let inner = area.inset(PAD);
        let (lines, size) = self.block(&[text], inner.w, inner.h, (max, min));
        #[allow(clippy::cast_precision_loss)] // a few lines
        let count = lines.len().max(1) as f32;
        let height = (count - 1.0) * size * LEADING + size * (ASCENT + DESCENT);
        let mut y = area.y + (area.h - height) / 2.0 + ASCENT * size;
        for line in lines {
            let x = area.x + (area.w - self.width(&line, size)) / 2.0;
            self.text(area, x, y, size, grey, line);
            y += size * LEADING;
        }
    }

    /// Lines from the box's top-left corner.
    fn paragraph(&mut self, area: Area, texts: &[&str], (max, min): (f32, f32)) {
        let (lines, size) = self.block(texts, area.w, area.h, (max, min));
        let mut y = area.y + ASCENT * size;
        for line in lines {
            self.text(area, area.x, y, size, INK, line);
            y += size * LEADING;
        }
    }

    /// A shaded heading box with its label centred (a column heading of the form).
    fn head(&mut self, area: Area, text: &str) {
        self.shade(area);
        self.cell(area);
        self.centered(area, text, (LABEL_SIZE, LABEL_MIN), INK);
    }

    /// A shaded box with its label stacked vertically (支払を受ける者, 支払者 …).
    fn side(&mut self, area: Area, text: &str) {
        self.shade(area);
        self.cell(area);
        let tokens = stacked(text);
        #[allow(clippy::cast_precision_loss)] // a few characters
        let count = tokens.len().max(1) as f32;
        let mut size = 7.5_f32;
        while size > LABEL_MIN && count * size * 1.1 > area.h - 2.0 * PAD {
            size -= 0.25;
        }
        let step = size * 1.1;
        let mut y = area.y + (area.h - count * step) / 2.0 + ASCENT * size + 0.05 * size;
        for token in tokens {
            let x = area.x + (area.w - self.width(&token, size)) / 2.0;
            self.text(area, x, y, size, INK, token);
            y += step;
        }
    }

    /// A box with its label top left and its value on its bottom line, left-aligned.
    fn boxed(&mut self, area: Area, label: &str, value: &str, max: f32) {
        self.cell(area);
        self.label(area, label, area.w - 2.0 * PAD);
        self.value(area, value, max, Align::Left, 3.0);
    }

    /// A box with its label top left, its unit top right and its value on its bottom line.
    fn field(&mut self, area: Area, label: &str, value: &str, unit: &str, align: Align) {
        self.cell(area);
        let unit_width = self.unit(area, unit);
        let room = area.w - 2.0 * PAD - unit_width - 2.0;
        self.label(area, label, room);
        self.value(area, bare(value, unit), VALUE_SIZE, align, 0.0);
    }

    /// An amount or a count under a column heading: its unit top right, `内` and the part
    /// within (`Some`) top left, the value right-aligned on the bottom line.
    fn figure(&mut self, area: Area, value: &str, unit: &str, within: Option<&str>, max: f32) {
        self.cell(area);
        let unit_width = self.unit(area, unit);
        if let Some(within) = within {
            let mark = "内";
            let mark_width = self.width(mark, LABEL_SIZE);
            let baseline = area.y + 1.5 + ASCENT * LABEL_SIZE + 1.0;
            self.text(
                area,
                area.x + PAD,
                baseline,
                LABEL_SIZE,
                LABEL_GREY,
                mark.into(),
            );
            let room = area.w - 2.0 * PAD - mark_width - 3.0 - unit_width - 3.0;
            let (text, size) = self.fitted(bare(within, unit), 8.0, MIN_SIZE, room);
            let x = area.x + PAD + mark_width + 3.0;
            self.text(area, x, baseline, size, INK, text);
        }
        self.value(area, bare(value, unit), max, Align::Right, 0.0);
    }

    /// A check box's mark (`*`), centred.
    fn mark(&mut self, area: Area, value: &str) {
        self.cell(area);
        self.centered(area, value.trim(), (VALUE_SIZE, MIN_SIZE), INK);
    }

    /// A person's box: (フリガナ) above a dashed line, 氏名 below.
    fn person(&mut self, area: Area, kana_height: f32, person: &SlipPerson, name_size: f32) {
        self.cell(area);
        self.dashed(area.x + 1.0, area.y + kana_height, area.w - 2.0);
        let kana_label = "(フリガナ)";
        let label_size = 5.0;
        let kana_baseline = area.y + kana_height - 2.0;
        let upper = Area::new(area.x, area.y, area.w, kana_height);
        self.text(
            upper,
            area.x + PAD,
            kana_baseline,
            label_size,
            LABEL_GREY,
            kana_label.into(),
        );
        let kana_x = area.x + PAD + self.width(kana_label, label_size) + 3.0;
        let kana_size = (kana_height - 3.0).clamp(MIN_SIZE, 8.0);
        let (kana, size) = self.fitted(
            person.kana.trim(),
            kana_size,
            MIN_SIZE,
            area.right() - PAD - kana_x,
        );
        self.text(upper, kana_x, kana_baseline, size, INK, kana);
        let lower = area.below(kana_height);
        let name_label = "氏名";
        let label_width = self.label(lower, name_label, lower.w - 2.0 * PAD);
        self.value(
            lower,
            &person.name,
            name_size,
            Align::Left,
            label_width + 5.0,
        );
    }

    /// The slip: its title, then the form's boxes from top to bottom, framed.
    fn sheet(&mut self, sheet: &WithholdingSlipSheet) {
        let (title, size) = self.fitted(sheet.title.trim(), 15.0, 9.0, WIDTH - 170.0);
        let title_width = self.width(&title, size);
        let baseline = TOP + ASCENT * 15.0;
        let heading = Area::new(LEFT, TOP, WIDTH, 24.0);
        self.text(
            heading,
            LEFT + (WIDTH - title_width) / 2.0,
            baseline,
            size,
            INK,
            title,
        );
        let copy = "(受給者交付用)";
        let copy_width = self.width(copy, 8.0);
        self.text(
            heading,
            LEFT + WIDTH - copy_width,
            baseline,
            8.0,
            INK,
            copy.into(),
        );
        let top = TOP + 24.0;
        let mut y = top;
        for part in [
            Self::recipient,
            Self::amounts,
            Self::counts,
            Self::insurance,
            Self::remarks,
            Self::breakdowns,
            Self::spouse,
            Self::relatives,
            Self::checks,
            Self::payer,
        ] {
            if y > top {
                self.divider(y);
            }
            y = part(self, sheet, y);
        }
        self.ops.push(Op::Frame {
            area: Area::new(LEFT, top, WIDTH, y - top),
            weight: FRAME,
        });
    }

    /// 支払を受ける者: 住所又は居所, (受給者番号), (役職名), (フリガナ), 氏名.
    fn recipient(&mut self, sheet: &WithholdingSlipSheet, y: f32) -> f32 {
        let height = 74.0;
        let [side, address, rest] = row(LEFT, y, height, [20.0, 268.0, WIDTH - 288.0]);
        self.side(side, "支払を受ける者");
        self.cell(address);
        self.label(address, "住所又は居所", address.w - 2.0 * PAD);
        let lines = Area::new(
            address.x + PAD + 4.0,
            address.y + 14.0,
            address.w - 2.0 * PAD - 8.0,
            address.h - 14.0 - PAD - 2.0,
        );
        self.paragraph(lines, &[sheet.recipient_address.trim()], (10.0, MIN_SIZE));
        let half = rest.w / 2.0;
        let [number, position] = row(rest.x, y, 22.0, [half, rest.w - half]);
        self.boxed(number, "(受給者番号)", &sheet.recipient_number, VALUE_SIZE);
        self.boxed(position, "(役職名)", &sheet.recipient_position, VALUE_SIZE);
        let kana = Area::new(rest.x, y + 22.0, rest.w, 20.0);
        self.boxed(kana, "(フリガナ)", &sheet.recipient_kana, 8.5);
        let name = Area::new(rest.x, y + 42.0, rest.w, height - 42.0);
        self.cell(name);
        let label_width = self.label(name, "氏名", name.w);
        self.value(
            name,
            &sheet.recipient_name,
            13.0,
            Align::Left,
            label_width + 8.0,
        );
        y + height
    }

    /// 種別, 支払金額, 給与所得控除後の金額(調整控除後), 所得控除の額の合計額, 源泉徴収税額.
    fn amounts(&mut self, sheet: &WithholdingSlipSheet, y: f32) -> f32 {
        let each = (WIDTH - 76.0) / 4.0;
        let widths = [76.0, each, each, each, each];
        let heads = row(LEFT, y, 16.0, widths);
        for (area, text) in heads.into_iter().zip([
            "種別",
            "支払金額",
            "給与所得控除後の金額(調整控除後)",
            "所得控除の額の合計額",
            "源泉徴収税額",
        ]) {
            self.head(area, text);
        }
        let [kind, payment, income, deductions, tax] = row(LEFT, y + 16.0, 28.0, widths);
        self.cell(kind);
        self.centered(kind, sheet.kind.trim(), (VALUE_SIZE, MIN_SIZE), INK);
        self.figure(payment, &sheet.payment, "円", Some(""), AMOUNT_SIZE);
        self.figure(income, &sheet.employment_income, "円", None, AMOUNT_SIZE);
        self.figure(deductions, &sheet.total_deductions, "円", None, AMOUNT_SIZE);
        self.figure(tax, &sheet.tax, "円", Some(""), AMOUNT_SIZE);
        y + 44.0
    }

    /// (源泉)控除対象配偶者の有無等, 老人, 配偶者(特別)控除の額, the numbers of 扶養親族,
    /// 16歳未満扶養親族, 障害者 and 非居住者である親族.
    fn counts(&mut self, sheet: &WithholdingSlipSheet, y: f32) -> f32 {
        let (top, sub, values) = (18.0, 11.0, 24.0);
        let widths = [
            46.0,
            24.0,
            80.0,
            44.0,
            56.0,
            44.0,
            50.0,
            52.0,
            42.0,
            WIDTH - 438.0,
        ];
        let [
            presence,
            elderly_spouse,
            spouse_deduction,
            specific,
            elderly,
            other,
            young,
            special_disabled,
            other_disabled,
            non_resident,
        ] = row(LEFT, y + top + sub, values, widths);
        // Column headings: groups over two sub-headings, single columns over both rows.
        let group = |first: Area, last: Area| Area::new(first.x, y, last.right() - first.x, top);
        let full = |area: Area| Area::new(area.x, y, area.w, top + sub);
        let under = |area: Area| Area::new(area.x, y + top, area.w, sub);
        self.head(
            group(presence, elderly_spouse),
            "(源泉)控除対象配偶者\nの有無等",
        );
        self.head(under(presence), "有・従有");
        self.head(under(elderly_spouse), "老人");
        self.head(full(spouse_deduction), "配偶者(特別)\n控除の額");
        self.head(
            group(specific, other),
            "控除対象扶養親族の数\n(配偶者を除く)",
        );
        self.head(under(specific), "特定");
        self.head(under(elderly), "老人");
        self.head(under(other), "その他");
        self.head(full(young), "16歳未満\n扶養親族\nの数");
        self.head(
            group(special_disabled, other_disabled),
            "障害者の数\n(本人を除く)",
        );
        self.head(under(special_disabled), "特別");
        self.head(under(other_disabled), "その他");
        self.head(full(non_resident), "非居住者\nである親族の数");

        self.mark(presence, &sheet.spouse_presence);
        self.mark(elderly_spouse, &sheet.spouse_elderly);
        self.figure(
            spouse_deduction,
            &sheet.spouse_deduction,
            "円",
            None,
            VALUE_SIZE,
        );
        self.figure(specific, &sheet.specific_dependents, "人", None, VALUE_SIZE);
        self.figure(
            elderly,
            &sheet.elderly_dependents,
            "人",
            Some(&sheet.elderly_living_together),
            VALUE_SIZE,
        );
        self.figure(other, &sheet.other_dependents, "人", None, VALUE_SIZE);
        self.figure(young, &sheet.young_dependents, "人", None, VALUE_SIZE);
        self.figure(
            special_disabled,
            &sheet.special_disabled,
            "人",
            Some(&sheet.special_disabled_living_together),
            VALUE_SIZE,
        );
        self.figure(
            other_disabled,
            &sheet.other_disabled,
            "人",
            None,
            VALUE_SIZE,
        );
        self.figure(
            non_resident,
            &sheet.non_resident_relatives,
            "人",
            None,
            VALUE_SIZE,
        );
        y + top + sub + values
    }

    /// 社会保険料等の金額 (内 小規模企業共済等掛金), 生命保険料の控除額, 地震保険料の控除額,
    /// 住宅借入金等特別控除の額.
    fn insurance(&mut self, sheet: &WithholdingSlipSheet, y: f32) -> f32 {
        let each = WIDTH / 4.0;
        let widths = [each; 4];
        for (area, text) in row(LEFT, y, 16.0, widths).into_iter().zip([
            "社会保険料等の金額",
            "生命保険料の控除額",
            "地震保険料の控除額",
            "住宅借入金等特別控除の額",
        ]) {
            self.head(area, text);
        }
        let [social, life, earthquake, housing] = row(LEFT, y + 16.0, 28.0, widths);
        self.figure(
            social,
            &sheet.social_insurance,
            "円",
            Some(&sheet.mutual_aid_within),
            AMOUNT_SIZE,
        );
        self.figure(
            life,
            &sheet.life_insurance_deduction,
            "円",
            None,
            AMOUNT_SIZE,
        );
        self.figure(
            earthquake,
            &sheet.earthquake_insurance_deduction,
            "円",
            None,
            AMOUNT_SIZE,
        );
        self.figure(housing, &sheet.housing_loan_credit, "円", None, AMOUNT_SIZE);
        y + 44.0
    }

    /// (摘要): the remarks wrapped in the box, what does not fit dropped after an ellipsis.
    fn remarks(&mut self, sheet: &WithholdingSlipSheet, y: f32) -> f32 {
        let area = Area::new(LEFT, y, WIDTH, 122.0);
        self.cell(area);
        self.label(area, "(摘要)", area.w);
        let lines = Area::new(
            area.x + PAD + 6.0,
            area.y + 12.0,
            area.w - 2.0 * PAD - 12.0,
            area.h - 12.0 - PAD - 1.0,
        );
        let remarks: Vec<&str> = sheet.remarks.iter().map(|remark| remark.trim()).collect();
        self.paragraph(lines, &remarks, (8.5, MIN_SIZE));
        y + area.h
    }

    /// 生命保険料の金額の内訳 and 住宅借入金等特別控除の額の内訳.
    fn breakdowns(&mut self, sheet: &WithholdingSlipSheet, y: f32) -> f32 {
        let height = 30.0;
        let side = 66.0;
        let each = (WIDTH - side) / 5.0;
        let [heading, new_life, old_life, care, new_pension, old_pension] =
            row(LEFT, y, height, [side, each, each, each, each, each]);
        self.head(heading, "生命保険料の\n金額の内訳");
        for (area, label, value) in [
            (new_life, "新生命保険料の金額", &sheet.new_life_premium),
            (old_life, "旧生命保険料の金額", &sheet.old_life_premium),
            (care, "介護医療保険料の金額", &sheet.care_medical_premium),
            (
                new_pension,
                "新個人年金保険料の金額",
                &sheet.new_pension_premium,
            ),
            (
                old_pension,
                "旧個人年金保険料の金額",
                &sheet.old_pension_premium,
            ),
        ] {
            self.field(area, label, value, "円", Align::Right);
        }
        let y = y + height;
        self.divider(y);
        let rest = WIDTH - side - 90.0 - 120.0;
        let [heading, count, start, available, balance] =
            row(LEFT, y, height, [side, 90.0, 120.0, rest / 2.0, rest / 2.0]);
        self.head(heading, "住宅借入金等\n特別控除の額\nの内訳");
        self.field(
            count,
            "住宅借入金等特別控除適用数",
            &sheet.housing_loan_count,
            "",
            Align::Center,
        );
        self.field(
            start,
            "居住開始年月日(1回目)",
            &sheet.housing_residence_start,
            "",
            Align::Center,
        );
        self.field(
            available,
            "住宅借入金等特別控除可能額",
            &sheet.housing_credit_available,
            "円",
            Align::Right,
        );
        self.field(
            balance,
            "住宅借入金等年末残高(1回目)",
            &sheet.housing_year_end_balance,
            "円",
            Align::Right,
        );
        y + height
    }

    /// (源泉・特別)控除対象配偶者 and the amounts beside it.
    fn spouse(&mut self, sheet: &WithholdingSlipSheet, y: f32) -> f32 {
        let half = 25.0;
        let height = 2.0 * half;
        let rest = WIDTH - 66.0 - 150.0 - 36.0;
        let each = rest / 3.0;
        let [heading, person, class, amounts] = row(LEFT, y, height, [66.0, 150.0, 36.0, rest]);
        self.head(heading, "(源泉・特別)\n控除対象\n配偶者");
        self.person(person, 16.0, &sheet.spouse, 11.0);
        self.field(class, "区分", &sheet.spouse.class, "", Align::Center);
        let [income, pension, long_term] = row(amounts.x, y, half, [each; 3]);
        self.field(
            income,
            "配偶者の合計所得",
            &sheet.spouse_income,
            "円",
            Align::Right,
        );
        self.field(
            pension,
            "国民年金保険料等の金額",
            &sheet.national_pension,
            "円",
            Align::Right,
        );
        self.field(
            long_term,
            "旧長期損害保険料の金額",
            &sheet.old_long_term_premium,
            "円",
            Align::Right,
        );
        let [basic, adjustment, specific] = row(amounts.x, y + half, half, [each; 3]);
        self.field(
            basic,
            "基礎控除の額",
            &sheet.basic_deduction,
            "円",
            Align::Right,
        );
        self.field(
            adjustment,
            "所得金額調整控除額",
            &sheet.income_adjustment,
            "円",
            Align::Right,
        );
        self.field(
            specific,
            "特定親族特別控除の額",
            &sheet.specific_relative_deduction,
            "円",
            Align::Right,
        );
        y + height
    }

    /// 控除対象扶養親族 1–4 on the left, 16歳未満の扶養親族 1–4 on the right.
    fn relatives(&mut self, sheet: &WithholdingSlipSheet, y: f32) -> f32 {
        let line = 30.0;
        let height = 4.0 * line;
        let half = WIDTH / 2.0;
        for (x, heading, people) in [
            (LEFT, "控除対象扶養親族", &sheet.dependents),
            (LEFT + half, "16歳未満の扶養親族", &sheet.young),
        ] {
            let [side, numbers, names, classes] =
                row(x, y, height, [20.0, 12.0, half - 20.0 - 12.0 - 40.0, 40.0]);
            self.side(side, heading);
            for index in 0..4_u8 {
                let top = y + f32::from(index) * line;
                let number = Area::new(numbers.x, top, numbers.w, line);
                self.shade(number);
                self.cell(number);
                self.centered(number, &(index + 1).to_string(), (7.0, 5.0), INK);
                let empty = SlipPerson::default();
                let person = people.get(usize::from(index)).unwrap_or(&empty);
                self.person(Area::new(names.x, top, names.w, line), 12.0, person, 10.0);
                let class = Area::new(classes.x, top, classes.w, line);
                self.field(class, "区分", &person.class, "", Align::Center);
            }
        }
        y + height
    }

    /// 未成年者 … 勤労学生, 中途就・退職 and 受給者生年月日.
    fn checks(&mut self, sheet: &WithholdingSlipSheet, y: f32) -> f32 {
        let (top, sub, values) = (14.0, 12.0, 22.0);
        let flag = 29.0;
        let widths = [
            flag,
            flag,
            flag,
            flag,
            flag,
            flag,
            flag,
            flag,
            flag,
            flag,
            38.0,
            84.0,
            WIDTH - 10.0 * flag - 122.0,
        ];
        let [
            minor,
            foreigner,
            death,
            disaster,
            otsu,
            disabled_special,
            disabled_other,
            widow,
            single_parent,
            student,
            change,
            change_date,
            birth,
        ] = row(LEFT, y + top + sub, values, widths);
        let full = |area: Area| Area::new(area.x, y, area.w, top + sub);
        let group = |first: Area, last: Area| Area::new(first.x, y, last.right() - first.x, top);
        let under = |area: Area| Area::new(area.x, y + top, area.w, sub);
        for (area, text, value) in [
            (minor, "未成年者", &sheet.minor),
            (foreigner, "外国人", &sheet.foreigner),
            (death, "死亡退職", &sheet.death_retirement),
            (disaster, "災害者", &sheet.disaster),
            (otsu, "乙欄", &sheet.otsu),
            (widow, "寡婦", &sheet.widow),
            (single_parent, "ひとり親", &sheet.single_parent),
            (student, "勤労学生", &sheet.working_student),
        ] {
            self.head(full(area), text);
            self.mark(area, value);
        }
        self.head(group(disabled_special, disabled_other), "本人が障害者");
        self.head(under(disabled_special), "特別");
        self.head(under(disabled_other), "その他");
        self.mark(disabled_special, &sheet.disabled_special);
        self.mark(disabled_other, &sheet.disabled_other);
        self.head(group(change, change_date), "中途就・退職");
        self.head(under(change), "就職・退職");
        self.head(under(change_date), "年月日");
        self.mark(change, &sheet.joined_or_left);
        self.mark(change_date, &sheet.joined_or_left_on);
        self.head(full(birth), "受給者生年月日");
        self.mark(birth, &sheet.birth_date);
        y + top + sub + values
    }

    /// 支払者: 住所(居所)又は所在地, 氏名又は名称, (電話).
    fn payer(&mut self, sheet: &WithholdingSlipSheet, y: f32) -> f32 {
        let line = 28.0;
        let [side, rest] = row(LEFT, y, 2.0 * line, [20.0, WIDTH - 20.0]);
        self.side(side, "支払者");
        let address = Area::new(rest.x, y, rest.w, line);
        self.boxed(
            address,
            "住所(居所)又は所在地",
            &sheet.payer_address,
            VALUE_SIZE,
        );
        let [name, phone] = row(rest.x, y + line, line, [rest.w - 150.0, 150.0]);
        self.boxed(name, "氏名又は名称", &sheet.payer_name, 10.5);
        self.boxed(phone, "(電話)", &sheet.payer_phone, VALUE_SIZE);
        y + 2.0 * line
    }
}

/// Draws the page's ops: shades under rules under text.
fn paint(surface: &mut Surface<'_>, face: &Face<'_>, font: &PrintFont, ops: &[Op]) {
    let rectangle = |area: &Area| {
        let mut builder = PathBuilder::new();
        builder.move_to(area.x, area.y);
        builder.line_to(area.right(), area.y);
        builder.line_to(area.right(), area.bottom());
        builder.line_to(area.x, area.bottom());
        builder.close();
        builder.finish()
    };
    for op in ops {
        if let Op::Shade { area, grey } = op
            && let Some(path) = rectangle(area)
        {
            surface.set_stroke(None);
            surface.set_fill(Some(Fill {
                paint: luma::Color::new(*grey).into(),
                ..Fill::default()
            }));
            surface.draw_path(&path);
        }
    }
    for op in ops {
        let (path, stroke) = match op {
            Op::Frame { area, weight } => (
                rectangle(area),
                Stroke {
                    paint: luma::Color::new(INK).into(),
                    width: *weight,
                    ..Stroke::default()
                },
            ),
            Op::Line {
                from,
                to,
                weight,
                dashed,
            } => {
                let mut builder = PathBuilder::new();
                builder.move_to(from.0, from.1);
                builder.line_to(to.0, to.1);
                let stroke = Stroke {
                    paint: luma::Color::new(if *dashed { 120 } else { INK }).into(),
                    width: *weight,
                    dash: dashed.then(|| StrokeDash {
                        array: vec![1.5, 1.5],
                        offset: 0.0,
                    }),
                    ..Stroke::default()
                };
                (builder.finish(), stroke)
            }
            Op::Text { .. } | Op::Shade { .. } => continue,
        };
        if let Some(path) = path {
            surface.set_fill(None);
            surface.set_stroke(Some(stroke));
            surface.draw_path(&path);
        }
    }
    for op in ops {
        if let Op::Text {
            x,
            y,
            size,
            grey,
            text,
            ..
        } = op
        {
            let glyphs: Vec<KrillaGlyph> = face
                .glyphs(text)
                .into_iter()
                .map(|glyph| {
                    KrillaGlyph::new(
                        GlyphId::new(glyph.id),
                        glyph.advance,
                        0.0,
                        0.0,
                        0.0,
                        glyph.range,
                        None,
                    )
                })
                .collect();
            surface.set_stroke(None);
            surface.set_fill(Some(Fill {
                paint: luma::Color::new(*grey).into(),
                ..Fill::default()
            }));
            surface.draw_glyphs(
                Point::from_xy(*x, *y),
                &glyphs,
                font.font.clone(),
                text,
                *size,
                false,
            );
        }
    }
}
