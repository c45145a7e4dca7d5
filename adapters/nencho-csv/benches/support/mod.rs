//! A realistic import file of any length, generated row by row: the kinds of values HR staff
//! type (和暦 and 西暦 dates, full-width digits, kana in every width, quoted multi-line addresses).

use std::io::{self, Write};

const FAMILY_NAMES: [&str; 8] = [
    "山田", "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "中村",
];
const FAMILY_KANA: [&str; 8] = [
    "ヤマダ",
    "さとう",
    "ｽｽﾞｷ",
    "タカハシ",
    "たなか",
    "ｲﾄｳ",
    "ワタナベ",
    "ナカムラ",
];
const GIVEN_NAMES: [&str; 6] = ["太郎", "花子", "一郎", "美咲", "健太", "陽菜"];
const GIVEN_KANA: [&str; 6] = ["タロウ", "はなこ", "ｲﾁﾛｳ", "ミサキ", "けんた", "ﾋﾅ"];
const DEPARTMENTS: [&str; 5] = ["総務部", "営業部", "開発部", "経理部", ""];
const EMPLOYMENT_TYPES: [&str; 5] = ["正社員", "契約社員", "パート", "役員", "その他"];

pub const HEADER: &str = "社員番号,姓,名,姓カナ,名カナ,生年月日,郵便番号,住所,メールアドレス,部署,雇用区分,入社日,退職日\r\n";

/// Writes the header and `rows` valid rows as UTF-8 text.
pub fn write_rows(out: &mut impl Write, rows: usize) -> io::Result<()> {
    out.write_all(HEADER.as_bytes())?;
    for index in 0..rows {
        let family = index % FAMILY_NAMES.len();
        let given = index % GIVEN_NAMES.len();
        let year = 1960 + index % 45;
        let month = 1 + index % 12;
        let day = 1 + index % 28;
        let birth = match index % 4 {
            0 => format!("{year}/{month}/{day}"),
            1 => format!("{year}-{month:02}-{day:02}"),
            2 if year >= 1990 => format!("平成{}年{month}月{day}日", year - 1988),
            2 if year < 1989 => format!("S{}.{month}.{day}", year - 1925),
            2 => format!("{year}{month:02}{day:02}"),
            _ => format!("{year}年{month}月{day}日"),
        };
        let address = if index % 10 == 0 {
            format!(
                "\"東京都千代田区丸の内{}-{}-{}\n年調ビル{}階\"",
                1 + index % 3,
                1 + index % 9,
                1 + index % 20,
                1 + index % 30
            )
        } else {
            format!(
                "大阪府大阪市北区梅田{}丁目{}番{}号",
                1 + index % 3,
                1 + index % 9,
                1 + index % 20
            )
        };
        let postal = if index % 3 == 0 {
            "５３０－０００１"
        } else {
            "530-0001"
        };
        let email = if index % 5 == 4 {
            String::new()
        } else {
            format!("employee{index}@example.jp")
        };
        let hire = format!("R{}.4.1", 2 + index % 7);
        let leave = if index % 50 == 0 {
            format!("令和{}年3月31日", 9 + index % 3)
        } else {
            String::new()
        };
        write!(
            out,
            "E{index:06},{},{},{},{},{birth},{postal},{address},{email},{},{},{hire},{leave}\r\n",
            FAMILY_NAMES[family],
            GIVEN_NAMES[given],
            FAMILY_KANA[family],
            GIVEN_KANA[given],
            DEPARTMENTS[index % DEPARTMENTS.len()],
            EMPLOYMENT_TYPES[index % EMPLOYMENT_TYPES.len()],
        )?;
    }
    Ok(())
}

/// Encodes UTF-8 text to CP932 as it is written (`write!` hands over whole `str` pieces).
pub struct Cp932Writer<W: Write> {
    inner: W,
    encoder: encoding_rs::Encoder,
    buffer: Vec<u8>,
}

impl<W: Write> Cp932Writer<W> {
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            encoder: encoding_rs::SHIFT_JIS.new_encoder(),
            buffer: Vec::new(),
        }
    }

    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: Write> Write for Cp932Writer<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let text = std::str::from_utf8(bytes)
            .map_err(|error| io::Error::new(io::ErrorKind::InvalidData, error))?;
        self.buffer.clear();
        self.buffer.resize(text.len() * 2 + 16, 0);
        let (_, read, written, _) = self.encoder.encode_from_utf8(text, &mut self.buffer, false);
        assert_eq!(read, text.len());
        self.inner.write_all(&self.buffer[..written])?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The file in CP932, as Excel on Japanese Windows saves it.
pub fn cp932_file(rows: usize) -> Vec<u8> {
    let mut writer = Cp932Writer::new(Vec::new());
    write_rows(&mut writer, rows).unwrap();
    writer.into_inner()
}
