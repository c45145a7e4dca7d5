//! The Japanese font the PDF embeds: found at well-known Debian paths or named by
//! [`FONT_ENV`], read once per path and kept (the file is 4–20 MB; the PDF carries only the
//! glyphs it uses).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

use crate::PdfError;

/// The environment variable naming the font file (TrueType, OpenType or a collection, whose
/// first face is used). It overrides the well-known paths.
pub const FONT_ENV: &str = "NENCHO_PDF_FONT";

/// Where Debian's Japanese fonts are, in order of preference: IPAex ゴシック
/// (`fonts-ipaexfont-gothic`), IPA ゴシック (`fonts-ipafont-gothic`), Noto Sans CJK
/// (`fonts-noto-cjk`; its first face is the Japanese one), and the `fonts-japanese-gothic`
/// alternative those packages register.
pub const WELL_KNOWN_FONTS: [&str; 6] = [
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansJP-Regular.otf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
];

/// A loaded font: its bytes (shared, never copied) and where they came from. Cheap to clone.
#[derive(Clone)]
pub struct PrintFont {
    pub(crate) data: Arc<Vec<u8>>,
    pub(crate) font: krilla::text::Font,
    path: PathBuf,
}

impl std::fmt::Debug for PrintFont {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("PrintFont")
            .field("path", &self.path)
            .field("bytes", &self.data.len())
            .finish()
    }
}

static LOADED: Mutex<Option<PrintFont>> = Mutex::new(None);

impl PrintFont {
    /// The font named by [`FONT_ENV`], or else the first of [`WELL_KNOWN_FONTS`] that exists.
    /// [`PdfError::NoFont`] names every place looked at.
    pub fn locate() -> Result<PrintFont, PdfError> {
        let named = std::env::var_os(FONT_ENV).filter(|value| !value.is_empty());
        Self::locate_in(named.map(PathBuf::from), &WELL_KNOWN_FONTS)
    }

    /// [`PrintFont::locate`] with the places given: `named` (the setting) wins; a named file
    /// that does not exist is an error rather than a silent fallback.
    pub fn locate_in(named: Option<PathBuf>, well_known: &[&str]) -> Result<PrintFont, PdfError> {
        if let Some(path) = named {
            if path.is_file() {
                return Self::cached(&path);
            }
            return Err(PdfError::NoFont {
                searched: vec![path],
            });
        }
        match well_known.iter().map(Path::new).find(|path| path.is_file()) {
            Some(path) => Self::cached(path),
            None => Err(PdfError::NoFont {
                searched: well_known.iter().map(PathBuf::from).collect(),
            }),
        }
    }

    /// The font at `path`, read once and kept for the next printouts.
    fn cached(path: &Path) -> Result<PrintFont, PdfError> {
        let mut loaded = LOADED.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(font) = loaded.as_ref().filter(|font| font.path == path) {
            return Ok(font.clone());
        }
        let font = Self::open(path)?;
        *loaded = Some(font.clone());
        Ok(font)
    }

    /// Reads and checks the font file at `path` (no caching).
    pub fn open(path: &Path) -> Result<PrintFont, PdfError> {
        let data = std::fs::read(path).map_err(|error| PdfError::BadFont {
            path: path.to_owned(),
            reason: error.to_string(),
        })?;
        Self::from_bytes(data, path)
    }

    /// A font from its bytes; `path` is only for messages.
    pub fn from_bytes(data: Vec<u8>, path: &Path) -> Result<PrintFont, PdfError> {
        let bad = |reason: &str| PdfError::BadFont {
            path: path.to_owned(),
            reason: reason.to_owned(),
        };
        let data = Arc::new(data);
        let face = FontRef::from_index(&data, 0).map_err(|error| bad(&error.to_string()))?;
        if face.charmap().map('年').is_none() {
            return Err(bad("the font has no Japanese glyphs (年 is missing)"));
        }
        let font = krilla::text::Font::new(krilla::Data::from(Arc::clone(&data)), 0)
            .ok_or_else(|| bad("krilla cannot read the font"))?;
        Ok(PrintFont {
            data,
            font,
            path: path.to_owned(),
        })
    }

    /// Where the font was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The size of the whole font file in bytes.
    pub fn file_size(&self) -> usize {
        self.data.len()
    }
}

/// Glyph lookup and widths, for one printout.
pub(crate) struct Face<'a> {
    font: FontRef<'a>,
    units_per_em: f32,
}

/// One glyph of a line: its id, its advance in em, its byte range in the text.
pub(crate) struct Placed {
    pub id: u32,
    pub advance: f32,
    pub range: std::ops::Range<usize>,
}

impl<'a> Face<'a> {
    pub(crate) fn new(font: &'a PrintFont) -> Result<Face<'a>, PdfError> {
        let face = FontRef::from_index(&font.data, 0).map_err(|error| PdfError::BadFont {
            path: font.path.clone(),
            reason: error.to_string(),
        })?;
        let units_per_em = f32::from(
            face.metrics(Size::unscaled(), LocationRef::default())
                .units_per_em,
        )
        .max(1.0);
        Ok(Face {
            font: face,
            units_per_em,
        })
    }

    /// The glyphs of `text` (one per character; a character the font lacks is its .notdef).
    pub(crate) fn glyphs(&self, text: &str) -> Vec<Placed> {
        let charmap = self.font.charmap();
        let metrics = self
            .font
            .glyph_metrics(Size::unscaled(), LocationRef::default());
        text.char_indices()
            .filter(|(_, character)| !character.is_control())
            .map(|(start, character)| {
                let glyph = charmap.map(character).unwrap_or_default();
                Placed {
                    id: glyph.to_u32(),
                    advance: metrics.advance_width(glyph).unwrap_or(0.0) / self.units_per_em,
                    range: start..start + character.len_utf8(),
                }
            })
            .collect()
    }

    /// The width of `text` at `size` points.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        self.glyphs(text)
            .iter()
            .map(|glyph| glyph.advance)
            .sum::<f32>()
            * size
    }
}
