#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test panics

use std::path::{Path, PathBuf};

use super::*;

/// The machine's Japanese font. Without one the test fails under `CI=true` and otherwise
/// passes with a loud notice (install `fonts-ipaexfont-gothic`).
pub(crate) fn machine_font(test: &str) -> Option<PrintFont> {
    match PrintFont::locate() {
        Ok(font) => Some(font),
        Err(error) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("{test}: {error} (CI needs Debian's fonts-ipaexfont-gothic)")
        }
        Err(error) => {
            eprintln!(
                "\n!!!!! SKIPPED {test}: {error}\n!!!!! apt-get install fonts-ipaexfont-gothic to run it\n"
            );
            None
        }
    }
}

fn sample() -> Printout {
    let form = |title: &str| Section {
        title: format!("令和8年分 給与所得者の{title}"),
        subtitle: "令和8年分(2026年分) 山田 太郎".into(),
        blocks: vec![
            Block {
                heading: "支払者".into(),
                lines: vec![
                    Line::new("名称", "株式会社エー"),
                    Line::new("法人番号", "1234567890123"),
                    Line::new("所在地", "東京都千代田区丸の内1-1-1"),
                    Line::new("所轄税務署", "麹町"),
                ],
            },
            Block {
                heading: "提出者".into(),
                lines: vec![
                    Line::new("氏名", "山田 太郎"),
                    Line::new("フリガナ", "ヤマダ タロウ"),
                ],
            },
            Block {
                heading: "申告内容".into(),
                lines: vec![
                    Line::new("生命保険料控除額(計算)", "1,234,567円"),
                    Line::new("基礎控除の額(計算)", "580,000円"),
                ],
            },
        ],
    };
    Printout {
        title: "年末調整の申告書 令和8年分 山田 太郎".into(),
        footer: "印刷日 令和8年12月1日 株式会社エー".into(),
        chapters: vec![Chapter {
            bookmark: "E0001 山田 太郎".into(),
            sections: vec![form("扶養控除等(異動)申告書"), form("保険料控除申告書")],
        }],
    }
}

/// Every page's text, as a reader extracts it through the font's ToUnicode map.
fn text_of(pdf: &[u8]) -> (usize, String) {
    let document = lopdf::Document::load_mem(pdf).expect("the PDF parses");
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    let text = document.extract_text(&pages).expect("text extraction");
    (pages.len(), text)
}

/// The embedded font programs and the fonts' names.
fn fonts_of(pdf: &[u8]) -> (Vec<usize>, Vec<String>) {
    let document = lopdf::Document::load_mem(pdf).unwrap();
    let mut programs = Vec::new();
    let mut names = Vec::new();
    for object in document.objects.values() {
        let Ok(dictionary) = object.as_dict() else {
            continue;
        };
        if dictionary
            .get(b"Type")
            .and_then(lopdf::Object::as_name)
            .ok()
            == Some(b"FontDescriptor")
        {
            if let Ok(name) = dictionary.get(b"FontName").and_then(lopdf::Object::as_name) {
                names.push(String::from_utf8_lossy(name).into_owned());
            }
            for key in [&b"FontFile2"[..], b"FontFile3", b"FontFile"] {
                if let Ok(reference) = dictionary.get(key).and_then(lopdf::Object::as_reference) {
                    let stream = document.get_object(reference).unwrap().as_stream().unwrap();
                    programs.push(stream.content.len());
                }
            }
        }
    }
    (programs, names)
}

#[test]
fn a_printout_is_an_a4_pdf_with_a_subsetted_font_and_its_text() {
    let Some(font) = machine_font("a_printout_is_an_a4_pdf_with_a_subsetted_font_and_its_text")
    else {
        return;
    };
    let pdf = render(&sample(), &font).unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "a PDF header");
    assert!(
        pdf.windows(5)
            .rev()
            .take(32)
            .any(|window| window == b"%%EOF"),
        "a PDF trailer"
    );

    let (pages, text) = text_of(&pdf);
    assert_eq!(pages, 2, "one page per form");
    for expected in [
        "山田 太郎",
        "1,234,567円",
        "株式会社エー",
        "令和8年分 給与所得者の扶養控除等(異動)申告書",
        "印刷日 令和8年12月1日",
        "1 / 2",
        "2 / 2",
    ] {
        assert!(text.contains(expected), "{expected} in:\n{text}");
    }

    let document = lopdf::Document::load_mem(&pdf).unwrap();
    let first = document.get_pages()[&1];
    let media_box = document
        .get_dictionary(first)
        .unwrap()
        .get(b"MediaBox")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|value| value.as_float().unwrap().round())
        .collect::<Vec<_>>();
    assert_eq!(media_box, [0.0, 0.0, 595.0, 842.0], "A4 portrait");

    let (programs, names) = fonts_of(&pdf);
    assert_eq!(programs.len(), 1, "one embedded font program: {names:?}");
    assert!(
        names
            .iter()
            .all(|name| name.len() > 7 && name.as_bytes()[6] == b'+'),
        "a subset is named ABCDEF+Name: {names:?}"
    );
    assert!(
        programs[0] * 20 < font.file_size(),
        "the embedded font ({} bytes) is a small subset of the {} bytes file",
        programs[0],
        font.file_size()
    );
    assert!(
        pdf.len() < 200_000,
        "a one-employee PDF stays small: {} bytes",
        pdf.len()
    );
}

#[test]
fn long_sections_run_onto_more_pages_with_their_title_and_numbers() {
    let Some(font) = machine_font("long_sections_run_onto_more_pages_with_their_title_and_numbers")
    else {
        return;
    };
    let mut printout = sample();
    let lines = (1..=120)
        .map(|index| {
            Line::new(
                format!("親族{index}: 氏名"),
                "とても長い値が折り返されることを確かめるための文章です。".repeat(3),
            )
        })
        .collect();
    printout.chapters[0].sections[0].blocks.push(Block {
        heading: "扶養親族".into(),
        lines,
    });
    printout.chapters.push(Chapter {
        bookmark: "E0002 鈴木 花子".into(),
        sections: vec![Section {
            title: "令和8年分 給与所得者の保険料控除申告書".into(),
            subtitle: "鈴木 花子".into(),
            blocks: Vec::new(),
        }],
    });
    let pdf = render(&printout, &font).unwrap();
    let (pages, text) = text_of(&pdf);
    assert!(pages > 4, "{pages} pages");
    assert!(text.contains(&format!("{pages} / {pages}")), "{text}");
    assert!(text.contains("親族120: 氏名"), "the last line is printed");
    let titles = text
        .matches("令和8年分 給与所得者の扶養控除等(異動)申告書")
        .count();
    assert_eq!(titles, pages - 2, "the title is on every page of the form");
    let document = lopdf::Document::load_mem(&pdf).unwrap();
    let catalog = document.catalog().unwrap();
    assert!(catalog.has(b"Outlines"), "two employees get bookmarks");
}

#[test]
fn without_a_font_printing_fails_with_a_typed_error_naming_the_places() {
    let missing = PrintFont::locate_in(None, &["/nonexistent/ipaexg.ttf"]).unwrap_err();
    match &missing {
        PdfError::NoFont { searched } => {
            assert_eq!(searched, &[PathBuf::from("/nonexistent/ipaexg.ttf")]);
        }
        other => panic!("{other:?}"),
    }
    assert!(missing.to_string().contains("fonts-ipaexfont-gothic"));
    assert!(missing.to_string().contains(FONT_ENV));

    let named =
        PrintFont::locate_in(Some("/nonexistent/named.ttf".into()), &WELL_KNOWN_FONTS).unwrap_err();
    assert!(
        matches!(&named, PdfError::NoFont { searched } if searched == &[PathBuf::from("/nonexistent/named.ttf")]),
        "a named font that is missing does not fall back silently: {named:?}"
    );

    let garbage = PrintFont::from_bytes(b"not a font".to_vec(), Path::new("garbage.ttf"));
    assert!(matches!(garbage, Err(PdfError::BadFont { .. })));
}
