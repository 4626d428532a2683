//! Byte offsets to 1-based line and character column.

use std::path::Path;

use crate::diagnostics::Location;

/// The start offset of every line of one text, for turning byte offsets into
/// positions without rescanning the whole text each time.
#[derive(Debug)]
pub(crate) struct LineIndex<'t> {
    text: &'t str,
    line_starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    /// Indexes `text`. A line ends after `\n`; a lone `\r` also ends a line,
    /// as XML end-of-line handling treats it like `\n`.
    pub(crate) fn new(text: &'t str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        for (offset, &byte) in bytes.iter().enumerate() {
            let ends_line =
                byte == b'\n' || (byte == b'\r' && bytes.get(offset + 1) != Some(&b'\n'));
            if ends_line {
                line_starts.push(offset + 1);
            }
        }
        LineIndex { text, line_starts }
    }

    /// Line and column (both 1-based, the column in characters) of a byte
    /// offset. An offset inside a multi-byte character counts as that character.
    pub(crate) fn line_column(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(exact) => exact,
            Err(insert_at) => insert_at.saturating_sub(1),
        };
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..offset)
            .map(|prefix| prefix.chars().count())
            .unwrap_or_else(|| count_chars_lossy(&self.text.as_bytes()[start..offset]));
        (to_u32(line + 1), to_u32(column + 1))
    }

    /// Byte offset of a 1-based line and character column; `None` when the
    /// text has no such position.
    pub(crate) fn offset(&self, line: u32, column: u32) -> Option<usize> {
        let line_index = usize::try_from(line).ok()?.checked_sub(1)?;
        let start = *self.line_starts.get(line_index)?;
        let skip = usize::try_from(column).ok()?.checked_sub(1)?;
        let rest = self.text.get(start..)?;
        match rest.char_indices().nth(skip) {
            Some((offset, _)) => Some(start + offset),
            None if rest.chars().count() == skip => Some(self.text.len()),
            None => None,
        }
    }

    pub(crate) fn location(&self, file: &Path, offset: usize) -> Location {
        let (line, column) = self.line_column(offset);
        Location {
            file: file.to_path_buf(),
            line,
            column,
        }
    }
}

/// Counts the characters of a byte range that may end inside a character.
fn count_chars_lossy(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&byte| (byte & 0xC0) != 0x80).count()
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// Advances a position over `text`, for finding a spot inside a value whose
/// start position is known.
pub(crate) fn advance(mut location: Location, text: &str) -> Location {
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        let line_break = ch == '\n' || (ch == '\r' && chars.peek() != Some(&'\n'));
        if line_break {
            location.line = location.line.saturating_add(1);
            location.column = 1;
        } else {
            location.column = location.column.saturating_add(1);
        }
    }
    location
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters_not_bytes() {
        let index = LineIndex::new("a\né<b\r\nc");
        assert_eq!(index.line_column(0), (1, 1));
        assert_eq!(index.line_column(2), (2, 1));
        assert_eq!(index.line_column(4), (2, 2));
        assert_eq!(index.line_column(8), (3, 1));
    }

    #[test]
    fn lone_carriage_return_ends_a_line() {
        let index = LineIndex::new("a\rb");
        assert_eq!(index.line_column(2), (2, 1));
    }

    #[test]
    fn advance_moves_over_lines() {
        let start = Location {
            file: "f".into(),
            line: 3,
            column: 5,
        };
        let end = advance(start, "ab\ncd");
        assert_eq!((end.line, end.column), (4, 3));
    }
}
