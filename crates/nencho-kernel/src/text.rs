//! Text as Japanese users type it (IME full-width forms, half-width katakana, the many dashes),
//! brought to one canonical form. Used wherever input is parsed: IDs, dates, numbers, names.

/// Full-width ASCII (U+FF01–U+FF5E) to ASCII and the ideographic space to a space:
/// `ＡＢ１２＠` → `AB12@`.
pub fn fold_width(text: &str) -> String {
    text.chars().map(fold_width_char).collect()
}

pub fn fold_width_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Whether a character is one of the dashes people type for `-`: the hyphen-minus, the
/// full-width one, Unicode's hyphens and minus, and the long-vowel mark an IME produces in kana
/// mode.
pub fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{FF0D}' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{30FC}' | '\u{FF70}'
    )
}

/// The full-width forms of U+FF61–U+FF9F (half-width katakana and punctuation), in order.
const HALF_WIDTH_KATAKANA: [char; 63] = [
    '。', '「', '」', '、', '・', 'ヲ', 'ァ', 'ィ', 'ゥ', 'ェ', 'ォ', 'ャ', 'ュ', 'ョ', 'ッ', 'ー',
    'ア', 'イ', 'ウ', 'エ', 'オ', 'カ', 'キ', 'ク', 'ケ', 'コ', 'サ', 'シ', 'ス', 'セ', 'ソ', 'タ',
    'チ', 'ツ', 'テ', 'ト', 'ナ', 'ニ', 'ヌ', 'ネ', 'ノ', 'ハ', 'ヒ', 'フ', 'ヘ', 'ホ', 'マ', 'ミ',
    'ム', 'メ', 'モ', 'ヤ', 'ユ', 'ヨ', 'ラ', 'リ', 'ル', 'レ', 'ロ', 'ワ', 'ン', '゛', '゜',
];

/// Katakana that take a voiced mark (゛): カ–ト and ハ–ホ become the next code point, ウ
/// becomes ヴ.
fn voiced(c: char) -> Option<char> {
    match c {
        'カ' | 'キ' | 'ク' | 'ケ' | 'コ' | 'サ' | 'シ' | 'ス' | 'セ' | 'ソ' | 'タ' | 'チ'
        | 'ツ' | 'テ' | 'ト' | 'ハ' | 'ヒ' | 'フ' | 'ヘ' | 'ホ' => {
            char::from_u32(u32::from(c) + 1)
        }
        'ウ' => Some('ヴ'),
        _ => None,
    }
}

/// Katakana that take a semi-voiced mark (゜): ハ–ホ become パ–ポ.
fn semi_voiced(c: char) -> Option<char> {
    match c {
        'ハ' | 'ヒ' | 'フ' | 'ヘ' | 'ホ' => char::from_u32(u32::from(c) + 2),
        _ => None,
    }
}

/// Hiragana, half-width katakana and full-width katakana to full-width katakana, with half-width
/// voiced marks combined (`ﾔﾏﾀﾞ` → `ヤマダ`, `やまだ` → `ヤマダ`) and spaces made full-width.
/// Other characters pass through unchanged.
pub fn to_katakana(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = match c {
            // ぁ–ゖ → ァ–ヶ, ゝゞ → ヽヾ
            '\u{3041}'..='\u{3096}' | '\u{309D}' | '\u{309E}' => {
                char::from_u32(u32::from(c) + 0x60).unwrap_or(c)
            }
            '\u{FF61}'..='\u{FF9F}' => {
                let index = usize::try_from(u32::from(c) - 0xFF61).unwrap_or(0);
                HALF_WIDTH_KATAKANA.get(index).copied().unwrap_or(c)
            }
            ' ' => '\u{3000}',
            _ => c,
        };
        // A voiced mark after a kana that takes it combines with it (`ﾀﾞ`, or a decomposed `タ゛`).
        let combined = match c {
            '゛' | '\u{3099}' => out.chars().last().and_then(voiced),
            '゜' | '\u{309A}' => out.chars().last().and_then(semi_voiced),
            _ => None,
        };
        match combined {
            Some(combined) => {
                out.pop();
                out.push(combined);
            }
            None => out.push(c),
        }
    }
    out
}

/// Whether a character may appear in a name's kana after [`to_katakana`]: katakana, the
/// long-vowel mark, the middle dot (`スミス・ジョン`) and the full-width space.
pub fn is_name_kana(c: char) -> bool {
    matches!(
        c,
        '\u{30A1}'..='\u{30FA}' | '\u{30FB}' | '\u{30FC}' | '\u{30FD}' | '\u{30FE}' | '\u{3000}'
    )
}

/// [`fold_width_char`], and every dash of [`is_dash`] to `-`: for codes and numbers.
pub fn to_ascii_char(c: char) -> char {
    let folded = fold_width_char(c);
    if is_dash(folded) { '-' } else { folded }
}

/// Trims the white space Excel users leave around a value, the full-width space included.
pub fn trim(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width_ascii() {
        assert_eq!(fold_width("ＡＢｃ１２３＠．－\u{3000}x"), "ABc123@.- x");
    }

    #[test]
    fn makes_every_kana_full_width_katakana() {
        assert_eq!(to_katakana("やまだ"), "ヤマダ");
        assert_eq!(to_katakana("ﾔﾏﾀﾞ ﾀﾛｳ"), "ヤマダ\u{3000}タロウ");
        assert_eq!(to_katakana("ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ"), "パピプペポ");
        assert_eq!(to_katakana("ｳﾞｧｲｵﾘﾝ"), "ヴァイオリン");
        assert_eq!(to_katakana("ｽﾐｽ･ｼﾞｮﾝ"), "スミス・ジョン");
        assert_eq!(to_katakana("ｻｰﾌｧｰ"), "サーファー");
        assert_eq!(to_katakana("ヤマダ"), "ヤマダ");
        assert_eq!(to_katakana("ﾞア"), "゛ア");
        assert!(to_katakana("ﾔﾏﾀﾞ ﾀﾛｳ").chars().all(is_name_kana));
        assert!(!"山田".chars().all(is_name_kana));
    }

    #[test]
    fn trims_full_width_spaces_and_stray_byte_order_marks() {
        assert_eq!(trim("\u{3000} 山田 \u{3000}"), "山田");
        assert_eq!(trim("\u{FEFF}社員番号"), "社員番号");
    }
}
