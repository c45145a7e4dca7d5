//! Printing declarations as PDF (YEA-6): a [`Printout`] — sections of labelled lines, already
//! worded by the caller — laid out on A4 portrait pages with a footer (the caller's text and
//! `page / pages`), and written by krilla with the Japanese font embedded as a subset of the
//! glyphs used ([`PrintFont`]: a few hundred kilobytes at most instead of the 4–20 MB file).
//!
//! The crate knows nothing of declarations: the web adapter builds the printout from the same
//! view model its pages show, so the PDF and the screen say the same words.

mod font;
mod slip;

use std::path::PathBuf;

use krilla::Document;
use krilla::color::luma;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{GlyphId, KrillaGlyph};

use font::Face;
pub use font::{FONT_ENV, PrintFont, WELL_KNOWN_FONTS};
pub use slip::{SlipPerson, WithholdingSlipSheet, render_withholding_slips};

/// What went wrong while printing.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// No Japanese font was found: install Debian's `fonts-ipaexfont-gothic` (or
    /// `fonts-noto-cjk`), or name a font file in [`FONT_ENV`].
    #[error(
        "no Japanese font for the PDF: install fonts-ipaexfont-gothic or set {FONT_ENV} (looked at {})",
        searched.iter().map(|path| path.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    NoFont { searched: Vec<PathBuf> },
    /// The font file exists but cannot be used.
    #[error("the font {path} cannot be used: {reason}")]
    BadFont { path: PathBuf, reason: String },
    /// krilla refused to write the document.
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

/// One label and its value, both ready to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub label: String,
    pub value: String,
}

impl Line {
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            value: value.into(),
        }
    }
}

/// A titled table of lines (支払者, 提出者, the form's fields …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub heading: String,
    pub lines: Vec<Line>,
}

/// One form: it starts on a new page, its title and subtitle repeated on the pages it runs on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    /// Under the title: the tax year and who the form is of.
    pub subtitle: String,
    pub blocks: Vec<Block>,
}

/// A group of sections with an entry in the PDF's outline (one employee in a company's file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chapter {
    pub bookmark: String,
    pub sections: Vec<Section>,
}

/// A whole PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printout {
    /// The document's title (its metadata).
    pub title: String,
    /// At the foot of every page, left; `page / pages` is on the right.
    pub footer: String,
    pub chapters: Vec<Chapter>,
}

// A4 portrait in points, and the layout's measures.
const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 42.0;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
const FOOTER_Y: f32 = PAGE_HEIGHT - 24.0;
const BOTTOM: f32 = PAGE_HEIGHT - 48.0;
const TITLE_SIZE: f32 = 13.0;
const SUBTITLE_SIZE: f32 = 9.5;
const HEADING_SIZE: f32 = 10.0;
const TEXT_SIZE: f32 = 9.0;
const FOOTER_SIZE: f32 = 8.0;
const LEADING: f32 = 1.35;
const LABEL_WIDTH: f32 = 190.0;
const CELL_PADDING: f32 = 4.0;

/// What is drawn on a page, in page coordinates (origin top left, y down, points).
enum Mark {
    /// Text whose baseline starts at (x, y).
    Text {
        x: f32,
        y: f32,
        size: f32,
        text: String,
    },
    /// A filled grey rectangle (0 = black, 255 = white).
    Shade {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        grey: u8,
    },
    /// A thin horizontal rule.
    Rule { x: f32, y: f32, width: f32 },
}

/// Lays the printout out on pages, then writes the PDF.
pub fn render(printout: &Printout, font: &PrintFont) -> Result<Vec<u8>, PdfError> {
    let face = Face::new(font)?;
    let mut layout = Layout {
        face: &face,
        pages: Vec::new(),
        y: 0.0,
        heading: None,
    };
    let mut bookmarks = Vec::new();
    for chapter in &printout.chapters {
        bookmarks.push((chapter.bookmark.clone(), layout.pages.len()));
        for section in &chapter.sections {
            layout.section(section);
        }
    }
    if layout.pages.is_empty() {
        layout.new_page();
    }
    let total = layout.pages.len();
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(printout.title.clone())
            .language("ja".into())
            .creator("nencho".into()),
    );
    for (index, marks) in layout.pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
            .ok_or_else(|| PdfError::Write("the page size".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for mark in marks {
            draw(&mut surface, &face, font, mark);
        }
        let number = format!("{} / {total}", index + 1);
        let footer = [
            Mark::Rule {
                x: MARGIN,
                y: FOOTER_Y - FOOTER_SIZE - 4.0,
                width: CONTENT_WIDTH,
            },
            Mark::Text {
                x: MARGIN,
                y: FOOTER_Y,
                size: FOOTER_SIZE,
                text: fit(&face, &printout.footer, FOOTER_SIZE, CONTENT_WIDTH - 60.0),
            },
            Mark::Text {
                x: PAGE_WIDTH - MARGIN - face.width(&number, FOOTER_SIZE),
                y: FOOTER_Y,
                size: FOOTER_SIZE,
                text: number,
            },
        ];
        for mark in &footer {
            draw(&mut surface, &face, font, mark);
        }
        surface.finish();
        page.finish();
    }
    if !bookmarks.is_empty() {
        let mut outline = Outline::new();
        for (text, page_index) in bookmarks {
            outline.push_child(OutlineNode::new(
                text,
                krilla::destination::XyzDestination::new(page_index, Point::from_xy(0.0, 0.0)),
            ));
        }
        document.set_outline(outline);
    }
    document
        .finish()
        .map_err(|error| PdfError::Write(format!("{error:?}")))
}

fn draw(surface: &mut Surface<'_>, face: &Face<'_>, font: &PrintFont, mark: &Mark) {
    match mark {
        Mark::Text { x, y, size, text } => {
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
            surface.set_fill(Some(Fill::default()));
            surface.set_stroke(None);
            surface.draw_glyphs(
                Point::from_xy(*x, *y),
                &glyphs,
                font.font.clone(),
                text,
                *size,
                false,
            );
        }
        Mark::Shade {
            x,
            y,
            width,
            height,
            grey,
        } => {
            let mut builder = PathBuilder::new();
            builder.move_to(*x, *y);
            builder.line_to(x + width, *y);
            builder.line_to(x + width, y + height);
            builder.line_to(*x, y + height);
            builder.close();
            if let Some(path) = builder.finish() {
                surface.set_stroke(None);
                surface.set_fill(Some(Fill {
                    paint: luma::Color::new(*grey).into(),
                    ..Fill::default()
                }));
                surface.draw_path(&path);
            }
        }
        Mark::Rule { x, y, width } => {
            let mut builder = PathBuilder::new();
            builder.move_to(*x, *y);
            builder.line_to(x + width, *y);
            if let Some(path) = builder.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: luma::Color::new(150).into(),
                    width: 0.5,
                    ..Stroke::default()
                }));
                surface.draw_path(&path);
            }
        }
    }
}

/// `text` cut to `width` with an ellipsis when it is longer.
fn fit(face: &Face<'_>, text: &str, size: f32, width: f32) -> String {
    if face.width(text, size) <= width {
        return text.to_owned();
    }
    let mut kept = String::new();
    for character in text.chars() {
        let mut candidate = kept.clone();
        candidate.push(character);
        candidate.push('…');
        if face.width(&candidate, size) > width {
            break;
        }
        kept.push(character);
    }
    kept.push('…');
    kept
}

/// `text` broken into lines no wider than `width`: at a newline, else before the character that
/// would overflow (Japanese breaks anywhere; a Latin word is kept whole when a space allows).
fn wrap(face: &Face<'_>, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut line_width = 0.0;
        for character in paragraph.chars() {
            let advance = face.width(character.encode_utf8(&mut [0; 4]), size);
            if line_width + advance > width && !line.is_empty() {
                let carried = match line.rfind(' ') {
                    Some(space) if character.is_ascii_alphanumeric() && space > 0 => {
                        let rest = line[space + 1..].to_owned();
                        line.truncate(space);
                        rest
                    }
                    _ => String::new(),
                };
                lines.push(std::mem::take(&mut line));
                line = carried;
                line_width = face.width(&line, size);
            }
            line.push(character);
            line_width += advance;
        }
        lines.push(line);
    }
    lines
}

struct Layout<'a> {
    face: &'a Face<'a>,
    pages: Vec<Vec<Mark>>,
    /// Where the next thing goes on the last page.
    y: f32,
    /// The section's title and subtitle, repeated on its continuation pages.
    heading: Option<(String, String)>,
}

impl Layout<'_> {
    fn marks(&mut self) -> &mut Vec<Mark> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn text(&mut self, x: f32, size: f32, text: String) {
        let y = self.y + size;
        self.marks().push(Mark::Text { x, y, size, text });
    }

    /// A new page, with the current section's title when there is one.
    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
        if let Some((title, subtitle)) = self.heading.clone() {
            for line in wrap(self.face, &title, TITLE_SIZE, CONTENT_WIDTH) {
                self.text(MARGIN, TITLE_SIZE, line);
                self.y += TITLE_SIZE * LEADING;
            }
            self.y += 2.0;
            for line in wrap(self.face, &subtitle, SUBTITLE_SIZE, CONTENT_WIDTH) {
                self.text(MARGIN, SUBTITLE_SIZE, line);
                self.y += SUBTITLE_SIZE * LEADING;
            }
            self.y += 4.0;
            let y = self.y;
            self.marks().push(Mark::Rule {
                x: MARGIN,
                y,
                width: CONTENT_WIDTH,
            });
            self.y += 10.0;
        }
    }

    /// Room for `height` more points on this page, or a new page.
    fn room(&mut self, height: f32) {
        if self.pages.is_empty() || self.y + height > BOTTOM {
            self.new_page();
        }
    }

    fn section(&mut self, section: &Section) {
        self.heading = Some((section.title.clone(), section.subtitle.clone()));
        self.new_page();
        for block in &section.blocks {
            self.block(block);
        }
    }

    fn block(&mut self, block: &Block) {
        let bar = HEADING_SIZE * LEADING + 2.0 * CELL_PADDING;
        // The heading never ends a page alone: it needs room for one line under it.
        self.room(bar + TEXT_SIZE * LEADING + 2.0 * CELL_PADDING);
        let y = self.y;
        self.marks().push(Mark::Shade {
            x: MARGIN,
            y,
            width: CONTENT_WIDTH,
            height: bar,
            grey: 225,
        });
        self.y += CELL_PADDING;
        self.text(MARGIN + CELL_PADDING, HEADING_SIZE, block.heading.clone());
        self.y = y + bar;
        for line in &block.lines {
            self.line(line);
        }
        self.y += 10.0;
    }

    fn line(&mut self, line: &Line) {
        let value_x = MARGIN + LABEL_WIDTH + CELL_PADDING;
        let value_width = CONTENT_WIDTH - LABEL_WIDTH - 2.0 * CELL_PADDING;
        let labels = wrap(
            self.face,
            &line.label,
            TEXT_SIZE,
            LABEL_WIDTH - 2.0 * CELL_PADDING,
        );
        let values = wrap(self.face, &line.value, TEXT_SIZE, value_width);
        let rows = labels.len().max(values.len()).max(1);
        let step = TEXT_SIZE * LEADING;
        #[allow(clippy::cast_precision_loss)] // a handful of rows
        let height = rows as f32 * step + 2.0 * CELL_PADDING;
        // A line taller than a page is split across pages row by row.
        self.room(height.min(step + 2.0 * CELL_PADDING));
        self.y += CELL_PADDING;
        // Amounts (…円) are right-aligned, as on the forms.
        let amount = line.value.ends_with('円') && values.len() == 1;
        for row in 0..rows {
            if self.y + step + CELL_PADDING > BOTTOM {
                self.new_page();
                self.y += CELL_PADDING;
            }
            if let Some(label) = labels.get(row) {
                self.text(MARGIN + CELL_PADDING, TEXT_SIZE, label.clone());
            }
            if let Some(value) = values.get(row) {
                let x = if amount {
                    MARGIN + CONTENT_WIDTH - CELL_PADDING - self.face.width(value, TEXT_SIZE)
                } else {
                    value_x
                };
                self.text(x, TEXT_SIZE, value.clone());
            }
            self.y += step;
        }
        self.y += CELL_PADDING;
        let y = self.y;
        self.marks().push(Mark::Rule {
            x: MARGIN,
            y,
            width: CONTENT_WIDTH,
        });
    }
}

#[cfg(test)]
mod slip_tests;
#[cfg(test)]
mod tests;
